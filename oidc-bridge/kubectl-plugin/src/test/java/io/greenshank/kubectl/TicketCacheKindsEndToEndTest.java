package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.Kubectl;
import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.kubectl.testing.PluginPeers;
import io.greenshank.kubectl.testing.TestTokenEndpoint;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.kerberos.SssdKcm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of ticket cache a plain {@code kinit} leaves on Debian, RHEL and Fedora, each filled by a real
 * {@code kinit} against the MIT KDC and then used by the installed plugin (a separate JVM, as kubectl runs it) to get a
 * token from a SPNEGO-verifying token endpoint: a {@code FILE:} cache, a {@code DIR:} collection, a {@code KCM:} cache
 * held by a real {@code sssd_kcm}, and caches named only by {@code default_ccache_name} in a {@code KRB5_CONFIG} file.
 */
class TicketCacheKindsEndToEndTest {
    static PluginPeers peers;
    static MitKdc kdc;
    static Path work;
    static TestTokenEndpoint bridge;
    static PluginInstall plugin;
    static SssdKcm kcm;

    @BeforeAll
    static void startPeers() throws Exception {
        peers = PluginPeers.start("greenshank-ccache-e2e-");
        kdc = peers.kdc();
        work = peers.work();
        bridge = peers.bridge();
        plugin = peers.plugin();
        kdc.addUser("frida", "frida-pw-1");
        kdc.addUser("gustav", "gustav-pw-1");
    }

    /** The KCM daemon, started by the first test that needs it, so a missing sssd-kcm fails only those tests. */
    static synchronized SssdKcm kcm() throws Exception {
        if (kcm == null) {
            kcm = SssdKcm.start();
        }
        return kcm;
    }

    @AfterAll
    static void stopPeers() {
        if (kcm != null) {
            kcm.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    /** The realm's environment without KRB5CCNAME, a fresh token cache, and {@code extra}. */
    private static Map<String, String> env(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(kdc.env(null));
        env.put("GREENSHANK_CACHE_DIR", Files.createTempDirectory(work, "tokens-").resolve("greenshank").toString());
        env.putAll(extra);
        return env;
    }

    private static List<String> args() {
        return List.of("get-token", "--issuer", bridge.issuer(), "--client-id", "kubectl",
                "--certificate-authority", peers.tls().caPem().toString());
    }

    private static Map<String, String> asKubectlRunsIt(Map<String, String> env) {
        Map<String, String> e = new HashMap<>(env);
        e.put("KUBERNETES_EXEC_INFO", "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" + ExecInfo.V1
                + "\",\"spec\":{\"interactive\":false}}");
        return e;
    }

    /** Runs the plugin and returns the verified claims of the token it printed. */
    private static Map<String, Object> tokenClaims(Map<String, String> env) throws Exception {
        PluginInstall.Result result = plugin.run(args(), asKubectlRunsIt(env));
        assertThat(result.exitCode()).as("plugin stderr: %s", result.stderr()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) Json.parseObject(result.stdout().trim()).get("status");
        return peers.signer().verify((String) status.get("token")).orElseThrow();
    }

    @Test
    void aFileCacheNamedByKrb5ccname() throws Exception {
        Path ccache = kdc.kinit("frida", "frida-pw-1");
        int exchanges = bridge.exchanges.get();
        assertThat(tokenClaims(env(Map.of("KRB5CCNAME", "FILE:" + ccache)))).containsEntry("email",
                "frida@example.test").containsEntry("amr", List.of("kerberos"));
        assertThat(bridge.exchanges.get() - exchanges).isEqualTo(1);
    }

    @Test
    void aDirCollectionUsesItsPrimaryCacheAsKswitchSetsIt() throws Exception {
        Path collection = work.resolve("dir-collection");
        Map<String, String> env = env(Map.of("KRB5CCNAME", "DIR:" + collection));
        kdc.kinit(env, "frida", "frida-pw-1");
        kdc.kinit(env, "gustav", "gustav-pw-1");
        try (Stream<Path> files = Files.list(collection)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("tkt"))).hasSize(2);
        }
        assertThat(tokenClaims(env)).containsEntry("email", "gustav@example.test");

        kdc.run(List.of("kswitch", "-p", "frida"), env);
        assertThat(tokenClaims(env)).containsEntry("email", "frida@example.test");
    }

    @Test
    void defaultCcacheNameFromKrb5ConfigWithMitsTokens() throws Exception {
        Path tmp = Files.createTempDirectory(work, "tmpdir-");
        Path conf = work.resolve("krb5-default-dir.conf");
        // The include first: the JDK, which reads this file too, honours include lines only before any section.
        Files.writeString(conf, "include " + kdc.krb5Conf() + "\n"
                + "[libdefaults]\n  default_ccache_name = DIR:%{TEMP}/krb5cc_%{uid}_collection\n");
        Map<String, String> env = env(Map.of("KRB5_CONFIG", conf.toString(), "TMPDIR", tmp.toString()));
        kdc.kinit(env, "frida", "frida-pw-1");
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        // kinit, reading the same configuration, put the tickets where the plugin is about to look.
        assertThat(tmp.resolve("krb5cc_" + uid + "_collection")).isDirectory();

        assertThat(tokenClaims(env)).containsEntry("email", "frida@example.test");

        Map<String, String> empty = env(Map.of("KRB5_CONFIG", conf.toString(),
                "TMPDIR", Files.createTempDirectory(work, "tmpdir-").toString()));
        PluginInstall.Result none = plugin.run(args(), asKubectlRunsIt(empty));
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.stderr()).contains("no Kerberos ticket in DIR:" + empty.get("TMPDIR") + "/krb5cc_" + uid
                + "_collection (from default_ccache_name in " + conf + "): run kinit");
    }

    @Test
    void aKcmCacheThroughTheSystemGssApiAndRealKubectl() throws Exception {
        Kubectl.requireInstalled();
        Path conf = kcm().krb5Conf(kdc.krb5Conf());
        Map<String, String> env = env(Map.of("KRB5_CONFIG", conf.toString(), "KRB5CCNAME", "KCM:"));
        kdc.kinit(env, "gustav", "gustav-pw-1");
        int exchanges = bridge.exchanges.get();
        int accepted = peers.api().acceptedClaims.size();

        Path kubeconfig = Kubectl.kubeconfig(work.resolve("kubeconfig-kcm"), peers.api().url(), peers.tls().caPem(),
                plugin.launcher(), List.of("get-token", "--certificate-authority", peers.tls().caPem().toString()),
                Map.of("issuer", bridge.issuer(), "client-id", "kubectl"));
        for (int i = 0; i < 2; i++) {
            String[] kubectl = Kubectl.run(kubeconfig, env, "get", "--raw", "/apis/greenshank.test/v1/whoami");
            assertThat(kubectl[0]).as("kubectl stderr: %s", kubectl[2]).isEqualTo("0");
            assertThat(kubectl[1]).contains("gustav@example.test");
        }
        assertThat(peers.api().acceptedClaims.size() - accepted).isEqualTo(2);
        assertThat(bridge.exchanges.get() - exchanges).as("the second kubectl run used the cached token")
                .isEqualTo(1);

        kdc.run(List.of("kdestroy", "-A"), env);
        PluginInstall.Result none = plugin.run(args(), asKubectlRunsIt(env(Map.of("KRB5_CONFIG", conf.toString(),
                "KRB5CCNAME", "KCM:"))));
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.stdout()).isEmpty();
        assertThat(none.stderr()).contains("no Kerberos ticket in KCM: (from KRB5CCNAME): run kinit")
                .contains("cannot read the Kerberos ticket cache KCM: (from KRB5CCNAME): the system GSS-API found "
                        + "no usable ticket");
    }

    @Test
    void aKcmDaemonThatIsNotRunningIsNamedInTheMessage() throws Exception {
        Path conf = work.resolve("krb5-kcm-down.conf");
        Files.writeString(conf, "include " + kdc.krb5Conf() + "\n[libdefaults]\n  kcm_socket = "
                + work.resolve("no-kcm.socket") + "\n");
        PluginInstall.Result result = plugin.run(args(), asKubectlRunsIt(env(Map.of("KRB5_CONFIG", conf.toString(),
                "KRB5CCNAME", "KCM:"))));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        // The library's own reason, next to what the plugin looked at and what to do.
        assertThat(result.stderr()).contains("No KCM server found")
                .contains("no Kerberos ticket in KCM: (from KRB5CCNAME): run kinit");
    }

    @Test
    void kcmAsTheConfiguredDefaultTheWayFedoraShipsIt() throws Exception {
        Path conf = kcm().krb5Conf(kdc.krb5Conf(), "default_ccache_name = KCM:");
        Map<String, String> env = env(Map.of("KRB5_CONFIG", conf.toString()));
        kdc.kinit(env, "frida", "frida-pw-1");
        assertThat(kdc.run(List.of("klist"), env)).contains("KCM:").contains("frida@" + MitKdc.REALM);
        assertThat(tokenClaims(env)).containsEntry("email", "frida@example.test");
    }

    @Test
    void aKernelKeyringCacheThroughTheSystemGssApi() throws Exception {
        // The user keyring (RHEL's default is KEYRING:persistent:%{uid}, which needs a kernel built with persistent
        // keyrings): shared by this user's processes, so kinit's tickets are there for the plugin's JVM.
        String ccname = "KEYRING:user:greenshank-test-" + System.nanoTime();
        Map<String, String> env = env(Map.of("KRB5CCNAME", ccname));
        kdc.kinit(env, "gustav", "gustav-pw-1");
        try {
            assertThat(kdc.run(List.of("klist"), env)).contains(ccname).contains("gustav@" + MitKdc.REALM);
            assertThat(tokenClaims(env)).containsEntry("email", "gustav@example.test");
        } finally {
            kdc.run(List.of("kdestroy", "-A"), env);
        }
    }

    @Test
    void withoutTheSystemGssApiLibraryAKcmCacheIsExplainedNotGuessedAt() throws Exception {
        Map<String, String> env = env(Map.of("KRB5CCNAME", "KCM:",
                "GREENSHANK_JAVA_OPTS", "-Dsun.security.jgss.lib=/nonexistent/libgssapi_krb5.so.2"));
        PluginInstall.Result result = plugin.run(args(), asKubectlRunsIt(env));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr())
                .contains("cannot read the Kerberos ticket cache KCM: (from KRB5CCNAME)")
                .contains("the system GSS-API library could not be loaded (libgssapi_krb5.so.2: install "
                        + "libgssapi-krb5-2")
                .contains("no Kerberos ticket in KCM: (from KRB5CCNAME): run kinit");
    }

    @Test
    void theTokenCacheIsUnderHomeNotThePasswdHome() throws Exception {
        Path home = Files.createTempDirectory(work, "home-");
        Path ccache = kdc.kinit("frida", "frida-pw-1");
        Map<String, String> env = env(Map.of("KRB5CCNAME", "FILE:" + ccache, "HOME", home.toString()));
        env.remove("GREENSHANK_CACHE_DIR");
        tokenClaims(env);
        try (Stream<Path> files = Files.list(home.resolve(".kube/cache/greenshank"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))).hasSize(1);
        }
    }
}
