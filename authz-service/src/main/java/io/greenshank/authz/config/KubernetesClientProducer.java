package io.greenshank.authz.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import org.jboss.logging.Logger;

/**
 * The Kubernetes client policies and SubjectAccessReviews use: the usual configuration (kubeconfig, in-cluster,
 * built exactly as Quarkus' own default producer does), or — with {@code greenshank.authz.kubernetes.api-server-url} —
 * that API server with no credentials and nothing else read (the dev run points it at profile-controller's embedded
 * API server). A producer, because {@code quarkus.kubernetes-client.api-server-url} is fixed when the jar is built,
 * and the dev run uses the packaged jar.
 */
@Singleton
public class KubernetesClientProducer {

    private static final Logger LOG = Logger.getLogger(KubernetesClientProducer.class);

    @Produces
    @Singleton
    KubernetesClient client(AuthzConfig config, Instance<Config> configured,
                            Instance<KubernetesSerialization> serialization) {
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withKubernetesSerialization(serialization.get());
        if (config.kubernetes().apiServerUrl().isPresent()) {
            URI url = config.kubernetes().apiServerUrl().get();
            LOG.warnf("Kubernetes API server %s from greenshank.authz.kubernetes.api-server-url: no kubeconfig, no "
                    + "service-account token, no credentials (meant for the dev run's embedded API server)", url);
            return builder.withConfig(explicit(url)).build();
        }
        return builder.withConfig(configured.get()).build();
    }

    /** Only the URL: {@link Config#empty()} reads no kubeconfig, environment or service-account files. */
    static Config explicit(URI url) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(url.toString()).withNamespace("default").build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
