package io.greenshank.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.greenshank.testing.ldap.Slapd;
import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the three services are wired to on loopback, whoever configures them ({@link Greenshank} by hand, deploy/'s
 * rendered install from the manifests): the directory, the bridge's TLS material and a client trusting only it, the
 * API server stand-in (fabric8's CRUD mock with the Profile and Istio CRDs), each service's ports and the issuer URL.
 */
public record Wiring(Path work, Slapd slapd, SelfSignedTls tls, SSLContext trustingBridge, EmbeddedApiServer api,
                     KubernetesClient kube, int bridgePort, int controllerPort, int authzPort, int authzGrpcPort,
                     String issuer) {

    /** Held strongly: the mock server logs every request at INFO, which buries the test output. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

    /** Starts a directory in {@code dir}/slapd (the caller says how), TLS material, the API server and free ports. */
    public interface DirectoryStarter {
        Slapd start(Path dir) throws Exception;
    }

    /**
     * Empties {@code dir} (no slapd data, bridge keys or caches of an earlier run may leak in), then starts everything;
     * what must be closed is added to {@code closeables} as it starts, so a failure half-way closes what did start.
     */
    public static Wiring start(Path dir, DirectoryStarter directory, List<AutoCloseable> closeables) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Path work = Files.createDirectories(dir);
        Slapd slapd = directory.start(work.resolve("slapd"));
        closeables.add(slapd);
        SelfSignedTls tls = SelfSignedTls.create(Files.createDirectories(work.resolve("tls")));
        EmbeddedApiServer api = EmbeddedApiServer.start();
        closeables.add(api);
        KubernetesClient kube = api.newClient();
        closeables.add(kube);
        withoutExtraRbac(api);
        int bridgePort = FreePorts.loopback();
        return new Wiring(work, slapd, tls, trusting(tls.caPem()), api, kube, bridgePort, FreePorts.loopback(),
                FreePorts.loopback(), FreePorts.loopback(), "https://localhost:" + bridgePort);
    }

    /** Sets a JDK logger to WARNING; hold the result, or the setting goes with the garbage-collected logger. */
    public static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /** The mock has no authorizer: answer every SubjectAccessReview as a cluster without extra RBAC would. */
    public static void withoutExtraRbac(EmbeddedApiServer api) {
        api.mockServer().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(201, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
                        + "\"status\":{\"allowed\":false,\"reason\":\"no RBAC rule grants it\"}}")
                .always();
    }

    /** Closes in reverse order of starting; a failure to close is reported and the rest still closed. */
    public static void closeAll(List<AutoCloseable> closeables) {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + closeables.get(i) + ": " + e);
            }
        }
        closeables.clear();
    }

    public HttpClient http() {
        return HttpClient.newBuilder().sslContext(trustingBridge).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI bridgeUrl(String path) {
        return URI.create(issuer + path);
    }

    public URI controllerUrl(String path) {
        return URI.create("http://127.0.0.1:" + controllerPort + path);
    }

    public URI authzUrl(String path) {
        return URI.create("http://127.0.0.1:" + authzPort + path);
    }

    /** Both started, both awaited together: controller and authz-service start in parallel once the bridge serves. */
    public void awaitControllerAndAuthz(ServiceProcess controller, ServiceProcess authz, Duration timeout) {
        HttpClient http = http();
        java.util.concurrent.CompletableFuture.allOf(
                java.util.concurrent.CompletableFuture.runAsync(() -> ready(controller, http,
                        controllerUrl("/q/health/ready"), timeout)),
                java.util.concurrent.CompletableFuture.runAsync(() -> ready(authz, http,
                        authzUrl("/q/health/ready"), timeout))).join();
    }

    private static void ready(ServiceProcess p, HttpClient http, URI url, Duration timeout) {
        try {
            p.awaitReady(http, url, timeout);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("bridge", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
