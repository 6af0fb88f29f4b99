package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.testing.kerberos.MitKdc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;
import org.HdrHistogram.Histogram;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Load harness, not part of the default build. Run with
 * {@code mvn -B -pl oidc-bridge/server -am verify -Dtest=KerberosBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dgreenshank.bench=true}.
 *
 * <p>SPNEGO: distinct MIT-ticket SPNEGO tokens (authenticators cannot be replayed) are made up front, then accepted
 * (a) by bare JGSS with the keytab — the floor — and (b) by the bridge over HTTP, at the authorization endpoint
 * (accept + principal mapping + directory lookup + code) and at the token endpoint (the same plus signing the ID and
 * access tokens), two client threads each. Plugin: wall time of the launcher as kubectl runs it, with a cached
 * token, and cold (Kerberos exchange against the bridge), against a JVM start of the same jar doing nothing.
 */
@QuarkusTest
@TestProfile(KerberosTestProfile.class)
@EnabledIfSystemProperty(named = "greenshank.bench", matches = "true")
class KerberosBenchmark {
    static final int TOKENS = Integer.getInteger("greenshank.bench.tokens", 1500);
    static final int THREADS = 2;

    @TestHTTPResource("/")
    URL httpRoot;
    @jakarta.inject.Inject
    KerberosAuthenticator authenticator;
    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    static Path aliceTicketCache(MitKdc kdc) throws Exception {
        try {
            kdc.addUser("alice", "alice-krb-pw");
        } catch (java.io.IOException exists) {
            // created by another test class in this JVM
        }
        return kdc.kinit("alice", "alice-krb-pw");
    }

    @Test
    void spnegoExchangesAgainstTheBareJgssFloor() throws Exception {
        MitKdc kdc = MitKdc.shared();
        Path ccache = aliceTicketCache(kdc);
        String algorithm = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("greenshank.bridge.keys.algorithm", String.class);
        io.greenshank.bridge.keys.SignatureProvider signing = io.greenshank.bridge.keys.SignatureProvider.select(
                org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("greenshank.bridge.keys.crypto-provider", String.class));
        String base = httpRoot.toString().replaceAll("/$", "");

        SpnegoAcceptor acceptor = new SpnegoAcceptor(new ServiceKeytab(Optional.of(kdc.serviceKeytab()),
                Optional.of(kdc.servicePrincipal()), java.time.Duration.ofSeconds(10), java.time.Duration.ZERO,
                java.time.Clock.systemUTC()));
        Step bridgeAcceptor = t -> acceptor.accept(t) instanceof SpnegoOutcome.Accepted;
        Step login = t -> authenticator.authenticate(Base64.getEncoder().encodeToString(t), "127.0.0.1")
                instanceof KerberosAuthenticator.Success;

        Map<String, Step> rows = new java.util.LinkedHashMap<>();
        rows.put("floor", null);
        rows.put("floor+signing", null);
        rows.put("acceptor", bridgeAcceptor);
        rows.put("authenticator", login);
        rows.put("/authorize", null);
        rows.put("/token", null);
        // The machine is shared and its load drifts: every row is measured once per round, rounds interleaved,
        // and each ratio is the median of the per-round ratios against that round's floor.
        int rounds = Integer.getInteger("greenshank.bench.rounds", 5);
        Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
        for (int round = -1; round < rounds; round++) {
            int n = round < 0 ? 300 : TOKENS;
            Map<String, Double> r = new java.util.LinkedHashMap<>();
            for (String row : rows.keySet()) {
                List<byte[]> t = tokens(ccache, n);
                double rate = switch (row) {
                    case "floor" -> floor(t);
                    case "floor+signing" -> floorWithSigning(t, algorithm, signing);
                    case "/authorize" -> bridge(base, t, false);
                    case "/token" -> bridge(base, t, true);
                    default -> parallel(t, rows.get(row));
                };
                r.put(row, rate);
            }
            if (round < 0) {
                continue; // warm-up
            }
            r.forEach((row, rate) -> {
                rates.computeIfAbsent(row, k -> new ArrayList<>()).add(rate);
                ratios.computeIfAbsent(row, k -> new ArrayList<>()).add(rate / r.get("floor"));
            });
            ratios.computeIfAbsent("/token vs floor+signing", k -> new ArrayList<>())
                    .add(r.get("/token") / r.get("floor+signing"));
        }
        Map<String, String> what = Map.of(
                "floor", "bare JGSS accept (JDK KeyTab)",
                "floor+signing", "bare JGSS accept + two " + algorithm + " JWT signatures (Nimbus, "
                        + signing.description() + ")",
                "acceptor", "SpnegoAcceptor (Kerby-loaded keys, refusal mapping)",
                "authenticator", "KerberosAuthenticator (accept + principal mapping + directory lookup)",
                "/authorize", "bridge HTTP /authorize with Negotiate (authenticator + code + redirect)",
                "/token", "bridge HTTP /token RFC 8693 SPNEGO exchange (authenticator + ID and access tokens)");
        System.out.printf("BENCH spnego: %d threads, %d tokens per row, %d interleaved rounds, medians%n", THREADS,
                TOKENS, rounds);
        rates.forEach((row, list) -> System.out.printf("BENCH spnego %-14s %6.0f/s  ratio %.2f x floor   %s%n", row,
                median(list), median(ratios.get(row)), what.get(row)));
        System.out.printf("BENCH spnego /token vs floor+signing: ratio %.2f (tokens signed %s by %s)%n",
                median(ratios.get("/token vs floor+signing")), algorithm, signing.description());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    @Test
    void pluginColdStartAndCachedTokenLatency() throws Exception {
        MitKdc kdc = MitKdc.shared();
        Path ccache = aliceTicketCache(kdc);
        Path work = Files.createTempDirectory("greenshank-plugin-bench-");
        PluginInstall plugin = PluginInstall.into(work.resolve("bin"));
        String issuer = httpsRoot.toString().replace("127.0.0.1", "localhost").replaceAll("/$", "");
        Map<String, String> env = new HashMap<>(kdc.env(ccache));
        env.put("KUBERNETES_EXEC_INFO", "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                + "\"ExecCredential\",\"spec\":{\"interactive\":false}}");
        List<String> args = List.of("get-token", "--issuer", issuer, "--client-id", "kubectl",
                "--certificate-authority", KerberosTestProfile.bridgeCertificate().toString());
        int runs = Integer.getInteger("greenshank.bench.runs", 20);
        Map<String, String> traced = new HashMap<>(env);
        traced.put("GREENSHANK_CACHE_DIR", work.resolve("cache-traced").toString());
        traced.put("GREENSHANK_TRACE", "1");
        System.out.println("BENCH plugin cold-run phases (no CDS):\n" + plugin.run(args, traced).stderr());

        // Build the launcher's class-data archive once, as a user's first run would.
        Path cdsDir = work.resolve("cds");
        Map<String, String> withCds = new HashMap<>(env);
        withCds.put("GREENSHANK_CDS", "on");
        withCds.put("GREENSHANK_CDS_DIR", cdsDir.toString());
        withCds.put("GREENSHANK_CACHE_DIR", work.resolve("cache-cds-first").toString());
        assertThat(plugin.run(args, withCds).exitCode()).isZero();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!hasArchive(cdsDir) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(hasArchive(cdsDir)).as("CDS archive built").isTrue();

        Histogram floor = new Histogram(3);
        Map<String, Histogram> h = new java.util.LinkedHashMap<>();
        for (String k : List.of("cached", "cold", "cached+cds", "cold+cds")) {
            h.put(k, new Histogram(3));
        }
        for (int i = 0; i < runs + 3; i++) {
            boolean record = i >= 3;
            PluginInstall.Result nothing = plugin.run(List.of("help"), Map.of());
            if (record) {
                floor.recordValue(nothing.micros());
            }
            for (boolean cds : List.of(false, true)) {
                Map<String, String> fresh = new HashMap<>(cds ? withCds : env);
                fresh.put("GREENSHANK_CACHE_DIR", work.resolve("cache-" + cds + "-" + i).toString());
                PluginInstall.Result coldRun = plugin.run(args, fresh);
                assertThat(coldRun.exitCode()).as(coldRun.stderr()).isZero();
                PluginInstall.Result cachedRun = plugin.run(args, fresh);
                assertThat(cachedRun.exitCode()).as(cachedRun.stderr()).isZero();
                if (record) {
                    h.get(cds ? "cold+cds" : "cold").recordValue(coldRun.micros());
                    h.get(cds ? "cached+cds" : "cached").recordValue(cachedRun.micros());
                }
            }
        }
        long floor50 = floor.getValueAtPercentile(50);
        System.out.printf("BENCH plugin floor (JVM start, same flags and jar, `help`, no CDS): p50 %d ms, p90 %d ms%n",
                floor50 / 1000, floor.getValueAtPercentile(90) / 1000);
        h.forEach((name, hist) -> System.out.printf("BENCH plugin %s: p50 %d ms, p90 %d ms = %.2f x floor (p50)%n",
                name, hist.getValueAtPercentile(50) / 1000, hist.getValueAtPercentile(90) / 1000,
                (double) hist.getValueAtPercentile(50) / floor50));
    }

    private static boolean hasArchive(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        }
    }

    /** Distinct SPNEGO tokens for HTTP/localhost from alice's MIT ticket cache, asking for mutual authentication. */
    static List<byte[]> tokens(Path ccache, int n) throws Exception {
        return SpnegoTokens.fromTicketCache(ccache, "HTTP@localhost", GSSName.NT_HOSTBASED_SERVICE, true, n);
    }

    /** Bare JGSS: the JDK's own keytab-backed acceptor, no HTTP, no mapping. Returns accepts per second. */
    static double floor(List<byte[]> tokens) throws Exception {
        MitKdc kdc = MitKdc.shared();
        KerberosPrincipal principal = new KerberosPrincipal(kdc.servicePrincipal());
        Subject acceptor = new Subject(false, Set.of(principal), Set.of(),
                Set.of(KeyTab.getInstance(principal, new File(kdc.serviceKeytab().toString()))));
        Oid spnego = new Oid("1.3.6.1.5.5.2");
        GSSCredential cred = Subject.doAs(acceptor, (PrivilegedExceptionAction<GSSCredential>) () ->
                GSSManager.getInstance().createCredential(null, GSSCredential.INDEFINITE_LIFETIME, spnego,
                        GSSCredential.ACCEPT_ONLY));
        return parallel(tokens, token -> {
            GSSContext ctx = GSSManager.getInstance().createContext(cred);
            ctx.acceptSecContext(token, 0, token.length);
            boolean ok = ctx.isEstablished();
            ctx.dispose();
            return ok;
        });
    }

    /**
     * Over HTTP/1.1 keep-alive with pre-built request bytes on a plain socket per thread: the load generator shares
     * the 2 cores with the bridge, so it must cost as little as possible (java.net.http costs more than the
     * acceptor itself).
     */
    /** The token endpoint's unavoidable work done directly: accept, then sign an ID and an access token. */
    static double floorWithSigning(List<byte[]> tokens, String algorithm,
                                   io.greenshank.bridge.keys.SignatureProvider signing) throws Exception {
        com.nimbusds.jose.jwk.JWK key = io.greenshank.bridge.keys.KeyManager.generator(algorithm).get();
        com.nimbusds.jose.JWSSigner signer = signing.signer(key);
        MitKdc kdc = MitKdc.shared();
        KerberosPrincipal principal = new KerberosPrincipal(kdc.servicePrincipal());
        Subject acceptor = new Subject(false, Set.of(principal), Set.of(),
                Set.of(KeyTab.getInstance(principal, new File(kdc.serviceKeytab().toString()))));
        Oid spnego = new Oid("1.3.6.1.5.5.2");
        GSSCredential cred = Subject.doAs(acceptor, (PrivilegedExceptionAction<GSSCredential>) () ->
                GSSManager.getInstance().createCredential(null, GSSCredential.INDEFINITE_LIFETIME, spnego,
                        GSSCredential.ACCEPT_ONLY));
        return parallel(tokens, token -> {
            GSSContext ctx = GSSManager.getInstance().createContext(cred);
            ctx.acceptSecContext(token, 0, token.length);
            String user = ctx.getSrcName().toString();
            ctx.dispose();
            for (String type : List.of("JWT", "at+jwt")) {
                com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                        new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.parse(algorithm))
                                .type(new com.nimbusds.jose.JOSEObjectType(type)).keyID(key.getKeyID()).build(),
                        new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(user).issuer("https://localhost")
                                .audience("kubectl").expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000))
                                .claim("amr", List.of("kerberos")).build());
                jwt.sign(signer);
            }
            return true;
        });
    }

    static double bridge(String base, List<byte[]> tokens, boolean tokenEndpoint) throws Exception {
        URI root = URI.create(base);
        String verifier = "v".repeat(43);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorizePath = "/authorize?response_type=code&client_id=kubectl"
                + "&redirect_uri=http://127.0.0.1:8000/callback&scope=openid&code_challenge_method=S256"
                + "&code_challenge=" + challenge;
        List<byte[]> requests = new ArrayList<>(tokens.size());
        for (byte[] token : tokens) {
            String b64 = Base64.getEncoder().encodeToString(token);
            String request;
            if (tokenEndpoint) {
                String form = "grant_type=" + URLEncoder.encode(KerberosBridgeEndToEndTest.EXCHANGE,
                        StandardCharsets.UTF_8) + "&subject_token_type=" + URLEncoder.encode(
                        KerberosBridgeEndToEndTest.SPNEGO_TYPE, StandardCharsets.UTF_8)
                        + "&client_id=kubectl&scope=openid&subject_token=" + URLEncoder.encode(b64,
                        StandardCharsets.UTF_8);
                request = "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded"
                        + "\r\nContent-Length: " + form.length() + "\r\n\r\n" + form;
            } else {
                request = "GET " + authorizePath + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Negotiate " + b64
                        + "\r\n\r\n";
            }
            requests.add(request.getBytes(StandardCharsets.US_ASCII));
        }
        ThreadLocal<RawConnection> connections = ThreadLocal.withInitial(() -> new RawConnection(root));
        Map<byte[], byte[]> byToken = new java.util.IdentityHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            byToken.put(tokens.get(i), requests.get(i));
        }
        return parallel(tokens, token -> {
            int status = connections.get().exchange(byToken.get(token));
            return tokenEndpoint ? status == 200 : status / 100 == 3;
        });
    }

    /** One keep-alive HTTP/1.1 connection that sends pre-built requests and reads status, headers and body. */
    static final class RawConnection {
        private final java.net.Socket socket;
        private final java.io.InputStream in;
        private final java.io.OutputStream out;

        RawConnection(URI root) {
            try {
                socket = new java.net.Socket(root.getHost(), root.getPort());
                socket.setTcpNoDelay(true);
                in = new java.io.BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int exchange(byte[] request) throws java.io.IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    in.skipNBytes(size);
                    line();
                }
                line();
            } else {
                in.skipNBytes(length);
            }
            return status;
        }

        private String line() throws java.io.IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException();
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }

    interface Step {
        boolean run(byte[] token) throws Exception;
    }

    static double parallel(List<byte[]> tokens, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < tokens.size()) {
                    try {
                        if (!step.run(tokens.get(i))) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        assertThat(failures.get()).as("failed exchanges").isZero();
        return tokens.size() / seconds;
    }
}
