package io.greenshank.kubectl.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.kubectl.testing.PluginPeers;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.net.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KDC made unreachable while users keep logging in. The bridge never calls the KDC; the plugin does: with no
 * cached token its {@code initSecContext} for {@code HTTP@<bridge>} needs a TGS exchange (the JDK takes only the TGT
 * from the ticket cache, and a plugin run is a fresh JVM, so every such login asks the KDC). The real MIT KDC is reached
 * only through a {@link FaultProxy}, which refuses, then black-holes, then forwards again, while a few threads run the
 * installed plugin as kubectl does (no terminal, a TGT from a real {@code kinit} taken before the fault, a fresh token
 * cache per login). Every answer is checked: a token only for the right user; during the fault exit 1 with a message
 * that names the KDC, within a bound set by krb5.conf; the logins that need no KDC (a cached token, a refresh token)
 * keep working; after the restore logins succeed again with nothing restarted. Figures are printed as
 * {@code RELIABILITY ...} lines for docs/benchmarks.md.
 */
class KdcOutageUnderLoadTest {
    private static final int THREADS = 3;
    /** krb5.conf's kdc_timeout: how long the JDK waits for one KDC answer (its default is 30 s). */
    private static final long KDC_TIMEOUT_MS = 2_000;
    /** krb5.conf's max_retries: attempts per KDC when the answer times out (JDK default 3). */
    private static final int MAX_RETRIES = 2;
    private static final long PHASE_MS = 8_000;
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

    enum Phase { BEFORE, REFUSED, BLACK_HOLE, AFTER }

    /** One plugin run: which user, which kind, the phase it started and ended in, its result. */
    record Login(int user, boolean needsKdc, Phase started, Phase ended, long startNanos, long endNanos,
                 PluginInstall.Result result) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }

        boolean within(Phase phase) {
            return started == phase && ended == phase;
        }
    }

    static PluginPeers peers;
    static FaultProxy proxy;
    static Path krb5ViaProxy;
    static final List<Path> ccaches = new ArrayList<>();
    static final List<Path> warmCaches = new ArrayList<>();
    static final List<Path> refreshCaches = new ArrayList<>();
    static volatile Phase phase = Phase.BEFORE;
    static final AtomicInteger cacheDirs = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        peers = PluginPeers.start("greenshank-kdc-outage-");
        MitKdc kdc = peers.kdc();
        proxy = FaultProxy.toLoopback(kdc.port());
        // The plugin's krb5.conf names the proxy as the realm's only KDC. TCP only (udp_preference_limit = 1), as the
        // proxy is TCP. kdc_timeout and max_retries bound a silent KDC: the JDK waits kdc_timeout for an answer and
        // tries max_retries times per KDC (sun.security.krb5.KdcComm), so with its defaults (30 s, 3) one login would
        // hang 90 s per KDC, longer than anyone waits for kubectl; a refused connection fails at once either way.
        String conf = Files.readString(kdc.krb5Conf())
                .replace("kdc = 127.0.0.1:" + kdc.port(), "kdc = 127.0.0.1:" + proxy.port())
                .replace("[libdefaults]\n", "[libdefaults]\n  kdc_timeout = " + KDC_TIMEOUT_MS + "\n  max_retries = "
                        + MAX_RETRIES + "\n");
        assertThat(conf).contains("kdc = 127.0.0.1:" + proxy.port()).contains("kdc_timeout = " + KDC_TIMEOUT_MS)
                .contains("udp_preference_limit = 1");
        krb5ViaProxy = peers.work().resolve("krb5-via-proxy.conf");
        Files.writeString(krb5ViaProxy, conf);
        long nonce = System.nanoTime() % 100_000;
        for (int u = 0; u < THREADS; u++) {
            String user = user(u, nonce);
            kdc.addUser(user, "pw-" + user);
            ccaches.add(kdc.kinit(user, "pw-" + user));
        }
        for (int u = 0; u < THREADS; u++) {
            // A login now leaves a token good for 300 s: the "already logged in" user of the outage.
            Path warm = freshCacheDir();
            warmCaches.add(warm);
            assertRightUser(run(u, warm), u);
        }
        peers.bridge().tokenLifetimeSeconds = 20; // under the plugin's 30 s margin: the next run must refresh
        for (int u = 0; u < THREADS; u++) {
            Path refresh = freshCacheDir();
            refreshCaches.add(refresh);
            assertRightUser(run(u, refresh), u);
        }
        peers.bridge().tokenLifetimeSeconds = 300;
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    private static final List<String> USERS = new ArrayList<>();

    private static String user(int u, long nonce) {
        String name = "kdcfault-" + nonce + "-" + u;
        USERS.add(name);
        return name;
    }

    private static Path freshCacheDir() throws Exception {
        return Files.createDirectories(peers.work().resolve("cache-" + cacheDirs.incrementAndGet()))
                .resolve("greenshank");
    }

    private static PluginInstall.Result run(int user, Path cacheDir) throws Exception {
        Map<String, String> env = new HashMap<>(peers.kdc().env(ccaches.get(user)));
        env.put("KRB5_CONFIG", krb5ViaProxy.toString());
        env.put("GREENSHANK_CACHE_DIR", cacheDir.toString());
        env.put("KUBERNETES_EXEC_INFO", "{\"kind\":\"ExecCredential\",\"apiVersion\":"
                + "\"client.authentication.k8s.io/v1\",\"spec\":{\"interactive\":false}}");
        return peers.plugin().run(List.of("get-token", "--issuer", peers.bridge().issuer(), "--client-id", "kubectl",
                "--certificate-authority", peers.tls().caPem().toString()), env);
    }

    /** A successful run handed kubectl a token the bridge signed, for this user and no other. */
    private static void assertRightUser(PluginInstall.Result result, int user) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Matcher m = TOKEN.matcher(result.stdout());
        assertThat(m.find()).as(result.stdout()).isTrue();
        Map<String, Object> claims = peers.signer().verify(m.group(1)).orElseThrow(
                () -> new AssertionError("token not signed by the bridge: " + result.stdout()));
        assertThat(claims).containsEntry("sub", "uid-" + USERS.get(user))
                .containsEntry("email", USERS.get(user) + "@example.test").containsEntry("aud", "kubectl");
    }

    /** A failed run: exit 1, nothing on stdout, one "greenshank: ..." line on stderr, no stack trace. */
    private static void assertCleanFailure(PluginInstall.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip()).startsWith("greenshank: ").doesNotContain("\n")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void loginsThatNeedTheKdcFailClearlyAndBoundedThenRecoverWithoutARestart() throws Exception {
        ConcurrentLinkedQueue<Login> logins = new ConcurrentLinkedQueue<>();
        Map<Phase, Long> phaseStart = new java.util.EnumMap<>(Phase.class);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        phaseStart.put(Phase.BEFORE, t0);
        for (int u = 0; u < THREADS; u++) {
            int user = u;
            workers.add(pool.submit(() -> {
                boolean refreshed = false;
                while (!Thread.currentThread().isInterrupted() && phase != null) {
                    Phase at = phase;
                    // Every login with a fresh token cache needs a TGS exchange; during the fault each is followed
                    // by one of the logins that need no KDC.
                    logins.add(login(user, true, freshCacheDir()));
                    if (at == Phase.REFUSED || at == Phase.BLACK_HOLE) {
                        logins.add(login(user, false, warmCaches.get(user)));
                        if (at == Phase.BLACK_HOLE && !refreshed) {
                            refreshed = true;
                            logins.add(login(user, false, refreshCaches.get(user)));
                        }
                    }
                }
                return null;
            }));
        }
        try {
            Thread.sleep(PHASE_MS);
            phaseStart.put(Phase.REFUSED, System.nanoTime());
            proxy.refuse();
            phase = Phase.REFUSED;
            Thread.sleep(PHASE_MS);
            phaseStart.put(Phase.BLACK_HOLE, System.nanoTime());
            proxy.blackHole();
            phase = Phase.BLACK_HOLE;
            Thread.sleep(PHASE_MS + KDC_TIMEOUT_MS * MAX_RETRIES);
            phaseStart.put(Phase.AFTER, System.nanoTime());
            proxy.restore();
            phase = Phase.AFTER;
            Thread.sleep(PHASE_MS);
            phase = null;
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            phase = null;
            pool.shutdownNow();
        }
        long end = System.nanoTime();

        List<Login> all = new ArrayList<>(logins);
        long slowestHealthy = all.stream().filter(l -> l.within(Phase.BEFORE)).mapToLong(Login::millis).max()
                .orElseThrow();
        // A silent KDC costs at most kdc_timeout x max_retries; the rest is the JVM start and the HTTPS exchange,
        // given three times the slowest healthy login as room on a loaded machine (floor 10 s).
        long bound = KDC_TIMEOUT_MS * MAX_RETRIES + Math.max(10_000, 3 * slowestHealthy);
        for (Login l : all) {
            assertThat(l.millis()).as("login took %d ms, bound %d ms: %s", l.millis(), bound, l.result().stderr())
                    .isLessThanOrEqualTo(bound);
            if (l.result().exitCode() == 0) {
                assertRightUser(l.result(), l.user());
            } else {
                assertCleanFailure(l.result());
            }
            boolean kdcReachable = l.started() == Phase.BEFORE && l.ended() == Phase.BEFORE
                    || l.started() == Phase.AFTER;
            if (kdcReachable || !l.needsKdc()) {
                assertThat(l.result().exitCode()).as("%s login (needs KDC: %s) failed: %s", l.started(),
                        l.needsKdc(), l.result().stderr()).isZero();
            }
        }
        List<Login> refused = all.stream().filter(l -> l.needsKdc() && l.within(Phase.REFUSED)).toList();
        List<Login> blackHoled = all.stream().filter(l -> l.needsKdc() && l.within(Phase.BLACK_HOLE)).toList();
        assertThat(refused).as("logins wholly inside the refused phase").isNotEmpty();
        assertThat(blackHoled).as("logins wholly inside the black-holed phase").isNotEmpty();
        for (Login l : refused) {
            assertThat(l.result().exitCode()).isEqualTo(1);
            assertThat(l.result().stderr()).startsWith("greenshank: cannot reach the Kerberos KDC for a ticket to "
                    + "HTTP@localhost (Connection refused").contains("a cached token keeps working");
        }
        for (Login l : blackHoled) {
            assertThat(l.result().exitCode()).isEqualTo(1);
            assertThat(l.result().stderr()).startsWith("greenshank: the Kerberos KDC did not answer a request for "
                    + "a ticket to HTTP@localhost (").contains("kdc_timeout x max_retries");
            assertThat(l.millis()).as("the JDK waited for the silent KDC").isGreaterThanOrEqualTo(KDC_TIMEOUT_MS);
        }
        List<Login> withoutKdc = all.stream().filter(l -> !l.needsKdc()).toList();
        assertThat(withoutKdc.stream().filter(l -> l.started() == Phase.REFUSED)).isNotEmpty();
        assertThat(withoutKdc.stream().filter(l -> l.started() == Phase.BLACK_HOLE)).hasSizeGreaterThan(THREADS);
        List<Login> after = all.stream().filter(l -> l.needsKdc() && l.started() == Phase.AFTER).toList();
        assertThat(after).as("logins after the restore").isNotEmpty();

        long restoredAt = phaseStart.get(Phase.AFTER);
        long recovery = all.stream().filter(l -> l.needsKdc() && l.result().exitCode() == 0 && l.endNanos() > restoredAt)
                .mapToLong(l -> (l.endNanos() - restoredAt) / 1_000_000).min().orElseThrow();
        System.out.printf("%nRELIABILITY kdc: %d plugin runs from %d threads, kdc_timeout %d ms x max_retries %d, "
                + "bound %d ms, slowest healthy login %d ms%n", all.size(), THREADS, KDC_TIMEOUT_MS, MAX_RETRIES,
                bound, slowestHealthy);
        for (Phase fault : List.of(Phase.REFUSED, Phase.BLACK_HOLE)) {
            long fail = all.stream().filter(l -> l.needsKdc() && l.within(fault)).mapToLong(Login::millis).min()
                    .orElseThrow();
            long slowest = all.stream().filter(l -> l.needsKdc() && l.started() == fault).mapToLong(Login::millis)
                    .max().orElseThrow();
            List<Login> noKdc = withoutKdc.stream().filter(l -> l.started() == fault).toList();
            System.out.printf("RELIABILITY kdc %s: fails in %d ms (fastest), slowest login needing the KDC %d ms, "
                    + "cached/refresh logins %d ok (slowest %d ms)%n", fault, fail, slowest,
                    noKdc.stream().filter(l -> l.result().exitCode() == 0).count(),
                    noKdc.stream().mapToLong(Login::millis).max().orElseThrow());
        }
        System.out.printf("RELIABILITY kdc restored: first login needing the KDC done %d ms after the restore%n",
                recovery);
        for (Phase p : Phase.values()) {
            long from = phaseStart.get(p);
            long to = p.ordinal() + 1 < Phase.values().length ? phaseStart.get(Phase.values()[p.ordinal() + 1]) : end;
            double seconds = (to - from) / 1e9;
            long ok = all.stream().filter(l -> l.needsKdc() && l.result().exitCode() == 0 && l.endNanos() >= from
                    && l.endNanos() < to).count();
            long failed = all.stream().filter(l -> l.needsKdc() && l.result().exitCode() != 0
                    && l.endNanos() >= from && l.endNanos() < to).count();
            long cached = all.stream().filter(l -> !l.needsKdc() && l.result().exitCode() == 0
                    && l.endNanos() >= from && l.endNanos() < to).count();
            System.out.printf("RELIABILITY kdc %s: %.1f s, Kerberos logins %d ok (%.2f/s) %d failed, "
                    + "cached/refresh logins %d ok%n", p, seconds, ok, ok / seconds, failed, cached);
        }
    }

    private static Login login(int user, boolean needsKdc, Path cacheDir) throws Exception {
        Phase started = phase == null ? Phase.AFTER : phase;
        long start = System.nanoTime();
        PluginInstall.Result result = run(user, cacheDir);
        long end = System.nanoTime();
        Phase ended = phase == null ? Phase.AFTER : phase;
        return new Login(user, needsKdc, started, ended, start, end, result);
    }
}
