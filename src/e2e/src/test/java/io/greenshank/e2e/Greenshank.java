package io.greenshank.e2e;

import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.ldap.Slapd;
import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.tls.SelfSignedTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole product on loopback: real slapd and MIT KDC, the fabric8 CRUD mock API server (with the Profile and Istio
 * CRDs), and the three services as separate JVMs from their packaged {@code quarkus-run.jar}, wired together the way
 * an operator would: the bridge on HTTPS with a certificate this fixture made, the others trusting only that CA.
 */
public final class Greenshank implements AutoCloseable {

    static final String KUBECTL_CLIENT = "kubectl";
    static final String AUDIENCE = "kubeflow";
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final Wiring wiring;
    final Path logs;
    final MitKdc kdc;
    /** The bridge's CA as a PKCS#12 trust store, the services' only trust (javax.net.ssl.trustStore). */
    final Path trustStore;
    final ServiceProcess bridge;
    final ServiceProcess controller;
    final ServiceProcess authz;
    private final List<AutoCloseable> closeables;

    private Greenshank(Builder b) {
        this.wiring = b.wiring;
        this.logs = b.logs;
        this.kdc = b.kdc;
        this.trustStore = b.trustStore;
        this.bridge = b.bridge;
        this.controller = b.controller;
        this.authz = b.authz;
        this.closeables = b.closeables;
    }

    List<ServiceProcess> services() {
        return List.of(bridge, controller, authz);
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
            Wiring.closeAll(b.closeables);
            throw t;
        }
    }

    @Override
    public void close() {
        Wiring.closeAll(closeables);
    }

    private static final class Builder {
        Wiring wiring;
        Path logs;
        MitKdc kdc;
        Path trustStore;
        ServiceProcess bridge;
        ServiceProcess controller;
        ServiceProcess authz;
        Path kubeconfig;
        final List<AutoCloseable> closeables = new ArrayList<>();

        void start(Path dir, Path logDir) throws Exception {
            wiring = Wiring.start(dir, ScenarioDirectory::start, closeables);
            Path work = wiring.work();
            logs = Files.createDirectories(logDir);
            kdc = MitKdc.start();
            closeables.add(kdc);
            kdc.addUser("alice", ScenarioDirectory.ALICE_PASSWORD + "-krb");
            trustStore = work.resolve("tls/trust.p12");
            importCa(wiring.tls().caPem(), trustStore);
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
                    """.formatted(wiring.api().url()));

            bridge = ServiceProcess.start("oidc-bridge", "oidc-bridge/server", bridgeConfig(), Map.of(), logs);
            closeables.add(bridge);
            // The others verify tokens against the bridge's JWKS from their first request: start them once it serves.
            bridge.awaitReady(wiring.http(), wiring.bridgeUrl("/q/health/ready"), START_TIMEOUT);

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
            wiring.awaitControllerAndAuthz(controller, authz, START_TIMEOUT);
        }

        private Map<String, String> common(int httpPort) {
            Map<String, String> c = new HashMap<>();
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("quarkus.http.port", String.valueOf(httpPort));
            c.put("quarkus.banner.enabled", "false");
            // Only the fixture's CA: nothing here may trust the bridge by accident.
            c.put("javax.net.ssl.trustStore", trustStore.toString());
            c.put("javax.net.ssl.trustStorePassword", new String(wiring.tls().password()));
            c.put("javax.net.ssl.trustStoreType", "PKCS12");
            return c;
        }

        private Map<String, String> bridgeConfig() {
            SelfSignedTls tls = wiring.tls();
            Map<String, String> c = common(FreePorts.loopback());
            c.put("quarkus.http.ssl-port", String.valueOf(wiring.bridgePort()));
            c.put("quarkus.http.insecure-requests", "disabled");
            c.put("quarkus.http.ssl.certificate.key-store-file", tls.keystore().toString());
            c.put("quarkus.http.ssl.certificate.key-store-file-type", "PKCS12");
            c.put("quarkus.http.ssl.certificate.key-store-password", new String(tls.password()));
            c.put("greenshank.bridge.issuer", wiring.issuer());
            c.put("greenshank.bridge.keys.store", "file");
            c.put("greenshank.bridge.keys.file", wiring.work().resolve("bridge-keys.json").toString());
            c.put("greenshank.bridge.ldap.urls", wiring.slapd().url());
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
            Map<String, String> c = common(wiring.controllerPort());
            c.put("greenshank.profiles.api-server", "external");
            c.put("greenshank.profiles.leader-election.retry-period", "200ms");
            c.put("greenshank.profiles.authn.jwt.bridge.issuer", wiring.issuer());
            c.put("greenshank.profiles.authn.jwt.bridge.audiences", AUDIENCE);
            c.put("greenshank.profiles.authn.jwt.bridge.discovery", "true");
            return c;
        }

        private Map<String, String> authzConfig(Path routes) {
            Map<String, String> c = common(wiring.authzPort());
            c.put("greenshank.authz.issuers.bridge.issuer", wiring.issuer());
            c.put("greenshank.authz.grpc.port", Integer.toString(wiring.authzGrpcPort()));
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
    }
}
