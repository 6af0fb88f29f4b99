package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.Hs256;
import io.greenshank.kubectl.testing.Kubectl;
import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.kubectl.testing.PluginPeers;
import io.greenshank.kubectl.testing.TestApiServer;
import io.greenshank.kubectl.testing.TestTokenEndpoint;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.tls.SelfSignedTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin against real peers: an MIT KDC on loopback, {@code kinit} tickets, a token endpoint that verifies SPNEGO
 * with JGSS and the service keytab, and the real kubectl calling the plugin for an HTTPS API server that checks the
 * bearer token's signature and claims.
 */
class KubectlPluginEndToEndTest {
    static PluginPeers peers;
    static MitKdc kdc;
    static Path work;
    static SelfSignedTls tls;
    static Hs256 signer;
    static TestTokenEndpoint bridge;
    static TestApiServer api;
    static PluginInstall plugin;
    static Path aliceCcache;
    Path cacheDir;

    @BeforeAll
    static void startPeers() throws Exception {
        peers = PluginPeers.start("greenshank-plugin-e2e-");
        kdc = peers.kdc();
        work = peers.work();
        tls = peers.tls();
        signer = peers.signer();
        bridge = peers.bridge();
        api = peers.api();
        plugin = peers.plugin();
        kdc.addUser("alice", "alice-pw-1");
        aliceCcache = kdc.kinit("alice", "alice-pw-1");
        bridge.addPassword("bob", "bob-pw-1");
    }

    @AfterAll
    static void stopPeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @BeforeEach
    void freshCache() throws Exception {
        cacheDir = Files.createTempDirectory(work, "cache-").resolve("greenshank");
        bridge.tokenLifetimeSeconds = 300;
        bridge.sendMutualToken = true;
    }

    private Map<String, String> env(Path ccache) {
        Map<String, String> env = new HashMap<>(kdc.env(ccache));
        env.put("GREENSHANK_CACHE_DIR", cacheDir.toString());
        return env;
    }

    private List<String> args(String command) {
        return List.of(command, "--issuer", bridge.issuer(), "--client-id", "kubectl",
                "--certificate-authority", tls.caPem().toString());
    }

    private static Map<String, String> execInfo(Map<String, String> env, String apiVersion) {
        Map<String, String> e = new HashMap<>(env);
        e.put("KUBERNETES_EXEC_INFO", "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" + apiVersion
                + "\",\"spec\":{\"interactive\":false}}");
        return e;
    }

    @Test
    void kubectlAuthenticatesWithTheKerberosTicketAndReusesTheCachedToken() throws Exception {
        Path kubeconfig = Kubectl.kubeconfig(work.resolve("kubeconfig-" + System.nanoTime()), api.url(),
                tls.caPem(), plugin.launcher(), List.of("get-token", "--certificate-authority",
                        tls.caPem().toString()), Map.of("issuer", bridge.issuer(), "client-id", "kubectl"));
        int exchangesBefore = bridge.exchanges.get();
        int acceptedBefore = api.acceptedClaims.size();

        String[] first = Kubectl.run(kubeconfig, env(aliceCcache), "get", "--raw", "/apis/greenshank.test/v1/whoami");
        assertThat(first[0]).as("kubectl stderr: %s", first[2]).isEqualTo("0");
        assertThat(first[1]).contains("alice@example.test");
        String[] second = Kubectl.run(kubeconfig, env(aliceCcache), "get", "--raw", "/apis/greenshank.test/v1/whoami");
        assertThat(second[0]).as("kubectl stderr: %s", second[2]).isEqualTo("0");

        assertThat(bridge.exchanges.get() - exchangesBefore).as("second kubectl run used the disk cache").isEqualTo(1);
        assertThat(api.acceptedClaims.size() - acceptedBefore).isEqualTo(2);
        Map<String, Object> claims = api.acceptedClaims.get(api.acceptedClaims.size() - 1);
        assertThat(claims).containsEntry("email", "alice@example.test").containsEntry("sub", "uid-alice");
        assertThat(claims.get("amr")).isEqualTo(List.of("kerberos"));

        try (Stream<Path> files = Files.list(cacheDir)) {
            List<Path> tokens = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertThat(tokens).hasSize(1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens.get(0))))
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir))).isEqualTo("rwx------");
    }

    @Test
    void answersWithTheApiVersionItWasCalledWithAndOnlyJsonOnStdout() throws Exception {
        for (String version : List.of("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")) {
            PluginInstall.Result result = plugin.run(args("get-token"), execInfo(env(aliceCcache), version));
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            Map<String, Object> credential = Json.parseObject(result.stdout().trim());
            assertThat(credential).containsEntry("apiVersion", version).containsEntry("kind", "ExecCredential");
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) credential.get("status");
            String token = (String) status.get("token");
            assertThat(signer.verify(token)).isPresent();
            Instant expiry = Instant.parse((String) status.get("expirationTimestamp"));
            assertThat(expiry).isEqualTo(IdToken.parse(token).expiresAt());
            assertThat(result.stderr()).doesNotContain(token);
        }
    }

    @Test
    void usesTheRefreshTokenBeforeGoingBackToKerberos() throws Exception {
        // Shorter than the 30 s expiry margin: the next run must not hand this token to kubectl again.
        bridge.tokenLifetimeSeconds = 20;
        int exchanges = bridge.exchanges.get();
        int refreshes = bridge.refreshes.get();
        PluginInstall.Result first = plugin.run(args("get-token"), execInfo(env(aliceCcache), ExecInfo.V1));
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        PluginInstall.Result second = plugin.run(args("get-token"), execInfo(env(aliceCcache), ExecInfo.V1));
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(bridge.exchanges.get() - exchanges).isEqualTo(1);
        assertThat(bridge.refreshes.get() - refreshes).isEqualTo(1);
        assertThat(second.stdout()).isNotEqualTo(first.stdout());
    }

    @Test
    void withoutATicketAndWithoutATerminalTellsTheUserToRunKinit() throws Exception {
        Path noCache = work.resolve("no-such-ccache");
        PluginInstall.Result result = plugin.run(args("get-token"), execInfo(env(noCache), ExecInfo.V1));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("no Kerberos ticket in FILE:" + noCache + " (from KRB5CCNAME): run kinit");

        Path kubeconfig = Kubectl.kubeconfig(work.resolve("kubeconfig-nokinit"), api.url(), tls.caPem(),
                plugin.launcher(), args("get-token"), Map.of());
        String[] kubectl = Kubectl.run(kubeconfig, env(noCache), "get", "--raw", "/api");
        assertThat(kubectl[0]).isNotEqualTo("0");
        assertThat(kubectl[2]).contains("no Kerberos ticket in FILE:" + noCache);
    }

    @Test
    void concurrentKubectlRunsShareOneKerberosExchange() throws Exception {
        int exchanges = bridge.exchanges.get();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<PluginInstall.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> plugin.run(args("get-token"), execInfo(env(aliceCcache), ExecInfo.V1))));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<PluginInstall.Result> run : runs) {
                PluginInstall.Result result = run.get();
                assertThat(result.exitCode()).as(result.stderr()).isZero();
                tokens.add(result.stdout());
            }
            assertThat(bridge.exchanges.get() - exchanges).isEqualTo(1);
            assertThat(tokens).containsOnly(tokens.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesATokenFromAnEndpointThatDidNotProveItsKerberosIdentity() throws Exception {
        bridge.sendMutualToken = false;
        PluginInstall.Result result = plugin.run(args("get-token"), execInfo(env(aliceCcache), ExecInfo.V1));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("mutual authentication");
        assertThat(Files.exists(cacheDir) ? Files.list(cacheDir).filter(f -> f.toString().endsWith(".json")).count()
                : 0).isZero();
    }

    @Test
    void tokenPrintsTheClaimsAndLogoutClearsTheCache() throws Exception {
        PluginInstall.Result token = plugin.run(args("token"), env(aliceCcache));
        assertThat(token.exitCode()).as(token.stderr()).isZero();
        Map<String, Object> decoded = Json.parseObject(token.stdout());
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = (Map<String, Object>) decoded.get("claims");
        assertThat(claims).containsEntry("email", "alice@example.test").containsEntry("amr", List.of("kerberos"));

        PluginInstall.Result logout = plugin.run(args("logout"), env(aliceCcache));
        assertThat(logout.exitCode()).isZero();
        assertThat(logout.stderr()).contains("removed 1 cached token");
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))).isEmpty();
        }
        int exchanges = bridge.exchanges.get();
        assertThat(plugin.run(args("get-token"), execInfo(env(aliceCcache), ExecInfo.V1)).exitCode()).isZero();
        assertThat(bridge.exchanges.get() - exchanges).isEqualTo(1);
    }

    @Test
    void withoutATicketOnATerminalPromptsForTheDirectoryPassword() throws Exception {
        int logins = bridge.passwordLogins.get();
        Path noCache = work.resolve("no-such-ccache");
        String output = plugin.runOnTerminal(args("get-token"), env(noCache),
                List.of(new String[] {"Greenshank login", "bob"}, new String[] {"Password for bob: ", "bob-pw-1"}));
        assertThat(output).contains("Password for bob").contains("\"kind\":\"ExecCredential\"");
        assertThat(output).doesNotContain("bob-pw-1");
        assertThat(bridge.passwordLogins.get() - logins).isEqualTo(1);
    }
}
