package io.greenshank.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.ldap.Slapd;
import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The whole product on loopback: real slapd and MIT KDC, the fabric8 CRUD mock API server (with the Profile and Istio
 * CRDs), and the three services as separate JVMs from their packaged {@code quarkus-run.jar}, wired together the way
 * an operator would: the bridge on HTTPS with a certificate this fixture made, the others trusting only that CA.
 */
public final class Greenshank implements AutoCloseable {

    static final String KUBECTL_CLIENT = "kubectl";
    static final String AUDIENCE = "kubeflow";
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Held strongly: the mock server logs every request at INFO, which buries the test output. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

    final Path work;
    final Path logs;
    final Slapd slapd;
    final MitKdc kdc;
    final SelfSignedTls tls;
    final Path trustStore;
    final SSLContext trustingBridge;
    final EmbeddedApiServer api;
    final KubernetesClient kube;
    final int bridgePort;
    final int controllerPort;
    final int authzPort;
    /** The dedicated ext_authz gRPC port, where Envoy's {@code grpc_service} points. */
    final int authzGrpcPort;
    final String issuer;
    final ServiceProcess bridge;
    final ServiceProcess controller;
    final ServiceProcess authz;
    private final List<AutoCloseable> closeables;

    private Greenshank(Builder b) {
        this.work = b.work;
        this.logs = b.logs;
        this.slapd = b.slapd;
        this.kdc = b.kdc;
        this.tls = b.tls;
        this.trustStore = b.trustStore;
        this.trustingBridge = b.trustingBridge;
        this.api = b.api;
        this.kube = b.kube;
        this.bridgePort = b.bridgePort;
        this.controllerPort = b.controllerPort;
        this.authzPort = b.authzPort;
        this.authzGrpcPort = b.authzGrpcPort;
        this.issuer = b.issuer;
        this.bridge = b.bridge;
        this.controller = b.controller;
        this.authz = b.authz;
        this.closeables = b.closeables;
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

    URI bridgeUrl(String path) {
        return URI.create(issuer + path);
    }

    URI controllerUrl(String path) {
        return URI.create("http://127.0.0.1:" + controllerPort + path);
    }

    List<ServiceProcess> services() {
        return List.of(bridge, controller, authz);
    }

    HttpClient http() {
        return HttpClient.newBuilder().sslContext(trustingBridge).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static Greenshank start(Path work) throws Exception {
        return start(work, Path.of(System.getProperty("greenshank.e2e.logs", work.resolve("logs").toString())));
    }

    /** As {@link #start(Path)}, with the services' logs in {@code logs} (a suite of its own keeps its own logs). */
    static Greenshank start(Path work, Path logs) throws Exception {
        Builder b = new Builder();
        try {
            b.start(work, logs);
            return new Greenshank(b);
        } catch (Throwable t) {
            b.closeAll();
            throw t;
        }
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                System.err.println("e2e: closing " + closeables.get(i) + ": " + e);
            }
        }
        closeables.clear();
    }

    private static final class Builder {
        Path work;
        Path logs;
        Slapd slapd;
        MitKdc kdc;
        SelfSignedTls tls;
        Path trustStore;
        SSLContext trustingBridge;
        EmbeddedApiServer api;
        KubernetesClient kube;
        int bridgePort;
        int controllerPort;
        int authzPort;
        int authzGrpcPort;
        String issuer;
        ServiceProcess bridge;
        ServiceProcess controller;
        ServiceProcess authz;
        Path kubeconfig;
        final List<AutoCloseable> closeables = new ArrayList<>();

        void closeAll() {
            Greenshank.closeAll(closeables);
        }

        void start(Path dir, Path logDir) throws Exception {
            // A fresh state every run: slapd data, bridge keys and plugin caches from a previous run must not leak in.
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            work = Files.createDirectories(dir);
            logs = Files.createDirectories(logDir);
            slapd = ScenarioDirectory.start(work.resolve("slapd"));
            closeables.add(slapd);
            kdc = MitKdc.start();
            closeables.add(kdc);
            kdc.addUser("alice", ScenarioDirectory.ALICE_PASSWORD + "-krb");
            tls = SelfSignedTls.create(Files.createDirectories(work.resolve("tls")));
            trustStore = work.resolve("tls/trust.p12");
            importCa(tls.caPem(), trustStore);
            trustingBridge = sslTrusting(trustStore);
            api = EmbeddedApiServer.start();
            closeables.add(api);
            kube = api.newClient();
            closeables.add(kube);
            withoutExtraRbac(api);
            kubeconfig = work.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: e2e
                      cluster: {server: "%s"}
                    users:
                    - name: e2e
                      user: {token: e2e-not-checked-by-the-mock}
                    contexts:
                    - name: e2e
                      context: {cluster: e2e, user: e2e, namespace: kubeflow}
                    current-context: e2e
                    """.formatted(api.url()));

            bridgePort = FreePorts.loopback();
            issuer = "https://localhost:" + bridgePort;
            HttpClient http = HttpClient.newBuilder().sslContext(trustingBridge).connectTimeout(Duration.ofSeconds(2))
                    .build();
            bridge = ServiceProcess.start("oidc-bridge", "oidc-bridge/server", bridgeConfig(), Map.of(), logs);
            closeables.add(bridge);
            // The others verify tokens against the bridge's JWKS from their first request: start them once it serves.
            bridge.awaitReady(http, URI.create(issuer + "/q/health/ready"), START_TIMEOUT);

            controllerPort = FreePorts.loopback();
            authzPort = FreePorts.loopback();
            authzGrpcPort = FreePorts.loopback();
            Path routes = work.resolve("routes.yaml");
            Files.writeString(routes, """
                    routes:
                    - path: /notebook/{namespace}/{name}/**
                      destination:
                        namespace: "{namespace}"
                        service: "{name}"
                        labels: {notebook-name: "{name}"}
                    """);
            // Both reach the API server as an operator's deployment outside the cluster would: through a kubeconfig.
            Map<String, String> kubeEnv = Map.of("KUBECONFIG", kubeconfig.toString());
            controller = ServiceProcess.start("profile-controller", "profile-controller", controllerConfig(),
                    kubeEnv, logs);
            closeables.add(controller);
            authz = ServiceProcess.start("authz-service", "authz-service", authzConfig(routes), kubeEnv, logs);
            closeables.add(authz);
            CompletableFuture<Void> c = CompletableFuture.runAsync(() -> ready(controller, http, controllerPort));
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> ready(authz, http, authzPort));
            CompletableFuture.allOf(c, a).join();
        }

        private static void ready(ServiceProcess p, HttpClient http, int port) {
            try {
                p.awaitReady(http, URI.create("http://127.0.0.1:" + port + "/q/health/ready"), START_TIMEOUT);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private Map<String, String> common(int httpPort) {
            Map<String, String> c = new HashMap<>();
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("quarkus.http.port", String.valueOf(httpPort));
            c.put("quarkus.banner.enabled", "false");
            // Only the fixture's CA: nothing here may trust the bridge by accident.
            c.put("javax.net.ssl.trustStore", trustStore.toString());
            c.put("javax.net.ssl.trustStorePassword", new String(tls.password()));
            c.put("javax.net.ssl.trustStoreType", "PKCS12");
            return c;
        }

        private Map<String, String> bridgeConfig() {
            Map<String, String> c = common(FreePorts.loopback());
            c.put("quarkus.http.ssl-port", String.valueOf(bridgePort));
            c.put("quarkus.http.insecure-requests", "disabled");
            c.put("quarkus.http.ssl.certificate.key-store-file", tls.keystore().toString());
            c.put("quarkus.http.ssl.certificate.key-store-file-type", "PKCS12");
            c.put("quarkus.http.ssl.certificate.key-store-password", new String(tls.password()));
            c.put("greenshank.bridge.issuer", issuer);
            c.put("greenshank.bridge.keys.store", "file");
            c.put("greenshank.bridge.keys.file", work.resolve("bridge-keys.json").toString());
            c.put("greenshank.bridge.ldap.urls", slapd.url());
            c.put("greenshank.bridge.ldap.allow-plain", "true");
            c.put("greenshank.bridge.ldap.bind-dn", Slapd.ROOT_DN);
            c.put("greenshank.bridge.ldap.bind-password", Slapd.ROOT_PW);
            c.put("greenshank.bridge.ldap.user-base-dn", Slapd.PEOPLE);
            c.put("greenshank.bridge.ldap.group-base-dn", Slapd.GROUPS);
            c.put("greenshank.bridge.clients." + KUBECTL_CLIENT + ".grant-types",
                    "password,refresh_token,urn:ietf:params:oauth:grant-type:token-exchange");
            c.put("greenshank.bridge.clients." + KUBECTL_CLIENT + ".audiences", KUBECTL_CLIENT + "," + AUDIENCE);
            c.put("greenshank.kerberos.keytab", kdc.serviceKeytab().toString());
            c.put("greenshank.kerberos.krb5-conf", kdc.krb5Conf().toString());
            c.put("greenshank.kerberos.service-principal", kdc.servicePrincipal());
            return c;
        }

        private Map<String, String> controllerConfig() {
            Map<String, String> c = common(controllerPort);
            c.put("greenshank.profiles.api-server", "external");
            c.put("greenshank.profiles.leader-election.retry-period", "200ms");
            c.put("greenshank.profiles.authn.jwt.bridge.issuer", issuer);
            c.put("greenshank.profiles.authn.jwt.bridge.audiences", AUDIENCE);
            c.put("greenshank.profiles.authn.jwt.bridge.discovery", "true");
            return c;
        }

        private Map<String, String> authzConfig(Path routes) {
            Map<String, String> c = common(authzPort);
            c.put("greenshank.authz.issuers.bridge.issuer", issuer);
            c.put("greenshank.authz.grpc.port", Integer.toString(authzGrpcPort));
            // kubeflow: access tokens for the web UI; kubectl: the plugin's ID tokens (scenario 2).
            c.put("greenshank.authz.issuers.bridge.audiences", AUDIENCE + "," + KUBECTL_CLIENT);
            c.put("greenshank.policy.kubernetes.enabled", "true");
            c.put("greenshank.policy.kubernetes.batch-delay", "50ms");
            c.put("greenshank.policy.routes-file", routes.toString());
            // the HTTP protocol's only source of the mesh peer; the test's sidecar appends XFCC as Istio's does
            c.put("greenshank.authz.mesh.trust-forwarded-client-cert", "true");
            return c;
        }

        private static void importCa(Path caPem, Path store) throws Exception {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-importcert", "-noprompt", "-alias", "greenshank-e2e-ca",
                    "-file", caPem.toString(), "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool -importcert failed: " + out);
            }
        }

        private static SSLContext sslTrusting(Path store) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }
    }
}
