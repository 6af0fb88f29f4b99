package io.greenshank.profiles.app;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The Kubernetes client: the configured cluster ({@code external}), or an in-process API server ({@code embedded});
 * {@code auto} picks embedded only when there is no kubeconfig, no in-cluster service account and no
 * {@code quarkus.kubernetes-client.api-server-url}.
 */
@Singleton
public class KubernetesClientProducer {

    private static final Logger LOG = Logger.getLogger(KubernetesClientProducer.class);

    private EmbeddedApiServer embedded;

    @Produces
    @Singleton
    KubernetesClient client(ProfilesConfig config, Instance<Config> kubeConfig,
                            Instance<KubernetesSerialization> serialization) {
        if (useEmbedded(config.apiServer())) {
            embedded = EmbeddedApiServer.start(bindAddress(config.embedded().host()), config.embedded().port());
            LOG.warnf("using the EMBEDDED Kubernetes API server at %s (in-memory, for development only); "
                    + "point kubectl at it with --server=%s", embedded.url(), embedded.url());
            return embedded.newClient();
        }
        // Built as Quarkus' own producer does: the Quarkus extension registers no HttpClient.Factory bean (the
        // factory comes from the ServiceLoader), so asking CDI for one failed every start against a real cluster.
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization.get())
                .withConfig(kubeConfig.get()).build();
    }

    private static InetAddress bindAddress(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("greenshank.profiles.embedded.host: unknown address '" + host + "'", e);
        }
    }

    public Optional<EmbeddedApiServer> embedded() {
        return Optional.ofNullable(embedded);
    }

    static boolean useEmbedded(String mode) {
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "embedded":
                return true;
            case "external":
                return false;
            case "auto":
                return !hasClusterConfig();
            default:
                throw new IllegalArgumentException("greenshank.profiles.api-server must be external, embedded or auto, not '" + mode + "'");
        }
    }

    private static boolean hasClusterConfig() {
        String kubeconfig = System.getenv("KUBECONFIG");
        Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
        boolean configured = ConfigProvider.getConfig().getOptionalValue("quarkus.kubernetes-client.api-server-url", String.class).isPresent();
        return configured || (kubeconfig != null && !kubeconfig.isBlank()) || Files.exists(home)
                || Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
    }

    @PreDestroy
    void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
