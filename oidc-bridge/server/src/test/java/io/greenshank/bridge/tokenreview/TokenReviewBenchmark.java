package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.oidc.GrantResult;
import io.greenshank.bridge.oidc.IssuanceBenchmark;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.TokenMinter;
import io.greenshank.identity.AuthMethod;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TokenReview answers per second over HTTPS (client certificate, keep-alive) ÷ the same review in process (the
 * bridge's own check of the token against its published keys: parse, signature, claims, mapping; no cache), with the
 * CPU per review of the whole process and of the bridge's own threads beside it. Four loads against that one floor:
 * HTTP/1.1 and h2, each with a single token asked about again and again (what the verified-token cache serves) and
 * with more distinct tokens than the cache holds, cycled, so that every review misses it. Excluded from
 * {@code verify}; run as docs/benchmarks.md says.
 */
@QuarkusTest
@TestProfile(TokenReviewProfile.class)
@Tag("benchmark")
class TokenReviewBenchmark {

    static final Duration JIT_WARMUP = Duration.ofSeconds(Integer.getInteger("bench.jitWarmup", 20));

    /** Only the loads whose name contains this (e.g. {@code -Dbench.only=HTTP/1.1}, for a profile of one). */
    static final String ONLY = System.getProperty("bench.only", "");

    /** Twice the cache's default bound: cycled in order, none is still cached when its turn comes again. */
    static final int DISTINCT_TOKENS = Integer.getInteger("bench.distinctTokens", 20_000);

    @Inject
    TokenReviewServer server;

    @Inject
    TokenMinter minter;

    @Inject
    ClientRegistry clients;

    @Test
    void tokenReviewsOverHttpsVersusTheInProcessCheck() throws Exception {
        String token = TokenReviewWebhookTest.login("alice", "alice-password").path("id_token").asText();
        KubeApiServerWebhookModel api = TokenReviewWebhookTest.apiServer("v1");
        String body = api.requestBody(token, TokenReviewWebhookTest.API_AUDIENCES);
        String expected = "\"username\":\"alice@example.com\"";
        TokenReviewer reviewer = server.reviewer();

        // HTTP/1.1: the API server's TLS settings (from the webhook kubeconfig) on a blocking client, each load
        // thread writing its request and reading the answer on its own kept-alive connection (what client-go does
        // with DISABLE_HTTP2). Connection state is off: by default Apache's client marks a connection authenticated
        // with a client certificate as belonging to that principal and, asked without one, never reuses it (a TLS
        // handshake per request).
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("https", new SSLConnectionSocketFactory(api.ssl())).build());
        connections.setMaxTotal(64);
        connections.setDefaultMaxPerRoute(64);
        connections.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(30_000).build());
        // HTTP/2: what client-go negotiates when the port offers h2 — one connection, the load threads' reviews
        // multiplexed on it as concurrent streams (Go's transport opens another only when the server's stream limit
        // is reached).
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(api.ssl()).build();
        List<String> mixBodies = distinctTokens().stream()
                .map(t -> api.requestBody(t, TokenReviewWebhookTest.API_AUDIENCES)).toList();
        AtomicInteger next = new AtomicInteger();
        Supplier<String> mix = () -> mixBodies.get(Math.floorMod(next.getAndIncrement(), mixBodies.size()));
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(connections)
                .disableCookieManagement().disableAutomaticRetries().disableContentCompression().disableConnectionState()
                .build()) {
            IssuanceBenchmark.Op inProcess = () -> reviewer.review(token, TokenReviewWebhookTest.API_AUDIENCES)
                    instanceof Review.Authenticated a && a.user().username().equals("alice@example.com");
            IssuanceBenchmark.Op http1 = http1(client, api, () -> body, expected);
            IssuanceBenchmark.Op http1Mix = http1(client, api, mix, expected);
            IssuanceBenchmark.Op http2 = http2(h2, api, () -> body, expected);
            IssuanceBenchmark.Op http2Mix = http2(h2, api, mix, expected);
            for (IssuanceBenchmark.Op op : List.of(inProcess, http1, http1Mix, http2, http2Mix)) {
                assertThat(op.run()).isTrue();
            }
            String distinct = mixBodies.size() + " distinct tokens cycled (every review misses the cache)";
            Map<String, IssuanceBenchmark.Op> loads = new LinkedHashMap<>();
            loads.put("HTTP/1.1, one token repeated (the cache's case)", http1);
            loads.put("HTTP/1.1, " + distinct, http1Mix);
            loads.put("h2, one token repeated (the cache's case)", http2);
            loads.put("h2, " + distinct, http2Mix);
            loads.keySet().removeIf(name -> !name.contains(ONLY));
            long connectionsBefore = server.connectionsAccepted();
            for (IssuanceBenchmark.Op op : loads.values()) {
                Load.run(op, JIT_WARMUP);
            }
            Load.run(inProcess, JIT_WARMUP);
            for (var load : loads.entrySet()) {
                compare(load.getKey(), load.getValue(), inProcess);
            }
            report("verified tokens cached at the end: " + server.cachedTokens());
            // Keep-alive held: a connection per HTTP/1.1 load thread, one for h2, none per review.
            long opened = server.connectionsAccepted() - connectionsBefore;
            report("TLS connections accepted during the measurement: " + opened);
            assertThat(opened).isLessThanOrEqualTo(Load.THREADS + 1);
        }
        Path out = Path.of("target", "benchmarks", "tokenreview.txt");
        IssuanceBenchmark.REPORT.add(0, "load average at the end: " + loadAverage());
        Files.createDirectories(out.getParent());
        Files.write(out, List.copyOf(IssuanceBenchmark.REPORT));
    }

    static IssuanceBenchmark.Op http1(CloseableHttpClient client, KubeApiServerWebhookModel api, Supplier<String> body,
                                      String expected) {
        return () -> {
            HttpPost post = new HttpPost(api.server());
            post.setHeader("Accept", "application/json, */*");
            post.setHeader("User-Agent", KubeApiServerWebhookModel.USER_AGENT);
            post.setEntity(new StringEntity(body.get(), ContentType.APPLICATION_JSON));
            try (CloseableHttpResponse response = client.execute(post)) {
                String answer = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                return response.getStatusLine().getStatusCode() == 200 && answer.contains(expected);
            }
        };
    }

    static IssuanceBenchmark.Op http2(HttpClient client, KubeApiServerWebhookModel api, Supplier<String> body,
                                      String expected) {
        return () -> {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.server())
                    .header("Content-Type", "application/json").header("Accept", "application/json, */*")
                    .header("User-Agent", KubeApiServerWebhookModel.USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.ofString(body.get())).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.version() == HttpClient.Version.HTTP_2 && response.statusCode() == 200
                    && response.body().contains(expected);
        };
    }

    static void report(String line) {
        IssuanceBenchmark.REPORT.add(line);
        System.out.println("BENCH " + line);
    }

    /**
     * The floor and ours in interleaved rounds, as {@link IssuanceBenchmark#compare} does. Three ratios per round:
     * throughput (the issue's figure; on this shared 2-vCPU machine it depends on how the scheduler shares the cores
     * between the floor's load threads and ours: load client plus event loops), whole-process CPU per review (floor ÷
     * ours; charges the load client's HTTP and TLS to our side), and the bridge's own CPU per review: the floor's load
     * threads (which run the review themselves) ÷ the bridge's threads (Vert.x event loops and workers, which run
     * ours). The last is the throughput ratio a bridge on its own cores would reach against the floor on as many
     * cores, with the API server, as in production, elsewhere.
     */
    static void compare(String what, IssuanceBenchmark.Op ours, IssuanceBenchmark.Op floor) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        Duration slice = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10)).dividedBy(rounds);
        List<Double> throughput = new ArrayList<>();
        List<Double> process = new ArrayList<>();
        List<Double> bridge = new ArrayList<>();
        Load f = null;
        Load o = null;
        for (int i = 0; i < rounds; i++) {
            f = Load.run(floor, slice);
            o = Load.run(ours, slice);
            throughput.add(o.perSecond() / f.perSecond());
            process.add(f.processMicrosPerOp() / o.processMicrosPerOp());
            bridge.add(f.loadThreadMicrosPerOp() / o.bridgeMicrosPerOp());
        }
        report(String.format("TokenReview over HTTPS, %s: %.0f/s (p50 %.2f ms; CPU per review: process %.0f µs,"
                + " bridge threads %.0f µs, load threads %.0f µs) | floor, the same review in process, uncached:"
                + " %.0f/s (p50 %.2f ms; process %.0f µs, its load threads %.0f µs) | throughput ratio %.2f (rounds"
                + " %s); process-CPU ratio %.2f (rounds %s); bridge-CPU ratio %.2f (rounds %s); load average %s",
                what, o.perSecond(), o.p50Millis(), o.processMicrosPerOp(), o.bridgeMicrosPerOp(),
                o.loadThreadMicrosPerOp(), f.perSecond(), f.p50Millis(), f.processMicrosPerOp(),
                f.loadThreadMicrosPerOp(), median(throughput), rounded(throughput), median(process), rounded(process),
                median(bridge), rounded(bridge), loadAverage()));
    }

    /**
     * One measured phase on {@link #THREADS} named load threads: throughput, p50, and CPU time per operation of the
     * whole process, of the bridge's threads and of the load threads themselves (each reads its own CPU clock). GC
     * and JIT threads are in the process figure only.
     */
    record Load(double perSecond, double p50Millis, double processMicrosPerOp, double bridgeMicrosPerOp,
                double loadThreadMicrosPerOp) {

        static final int THREADS = Integer.getInteger("bench.threads", 4);
        static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

        static Load run(IssuanceBenchmark.Op op, Duration d) throws Exception {
            ConcurrentHistogram latency = new ConcurrentHistogram(3);
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong loadCpu = new AtomicLong();
            CountDownLatch done = new CountDownLatch(THREADS);
            Map<Long, Long> bridge0 = bridgeThreadCpu();
            long process0 = processCpuNanos();
            long start = System.nanoTime();
            long end = start + d.toNanos();
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(() -> {
                    long cpu0 = CPU.getCurrentThreadCpuTime();
                    try {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            if (op.run()) {
                                ok.incrementAndGet();
                                latency.recordValue((System.nanoTime() - t0) / 1_000);
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    } finally {
                        loadCpu.addAndGet(CPU.getCurrentThreadCpuTime() - cpu0);
                        done.countDown();
                    }
                }, "bench-load-" + i);
                t.start();
            }
            done.await();
            long wall = System.nanoTime() - start;
            long process = processCpuNanos() - process0;
            long bridge = 0;
            for (var e : bridgeThreadCpu().entrySet()) {
                bridge += e.getValue() - bridge0.getOrDefault(e.getKey(), 0L);
            }
            assertThat(failed.get()).as("failed operations").isZero();
            double ops = Math.max(1, ok.get());
            return new Load(ok.get() / (wall / 1e9), latency.getValueAtPercentile(50) / 1e3, process / 1e3 / ops,
                    bridge / 1e3 / ops, loadCpu.get() / 1e3 / ops);
        }

        /**
         * CPU time of the threads that serve the webhook port: Vert.x's event loops (the reviews run there with the
         * memory session store), its acceptor, and the worker pools (a shared session store's revocation lookup).
         */
        static Map<Long, Long> bridgeThreadCpu() {
            Map<Long, Long> out = new HashMap<>();
            for (ThreadInfo info : CPU.getThreadInfo(CPU.getAllThreadIds())) {
                if (info != null && (info.getThreadName().startsWith("vert.x-")
                        || info.getThreadName().startsWith("executor-thread"))) {
                    long t = CPU.getThreadCpuTime(info.getThreadId());
                    if (t >= 0) {
                        out.put(info.getThreadId(), t);
                    }
                }
            }
            return out;
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static List<String> rounded(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).toList();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * ID tokens of alice as the password grant mints them (refreshable, so each carries a {@code sid} whose
     * revocation the webhook checks, as the single token's does), each distinct; minted on 4 threads.
     */
    List<String> distinctTokens() throws Exception {
        OidcClient kubectl = clients.find("kubectl").orElseThrow();
        DirectoryUser alice = new DirectoryUser("bench-alice", "alice", "uid=alice,ou=people,dc=example,dc=com",
                Optional.of("alice@example.com"), Optional.of("Alice"), List.of("ml-engineers"), AccountStatus.ACTIVE);
        GrantResult grant = GrantResult.of(AuthenticatedUser.of(alice, AuthMethod.PASSWORD, Instant.now()),
                Set.of("openid"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> minted = new ArrayList<>();
            for (int i = 0; i < DISTINCT_TOKENS; i++) {
                minted.add(pool.submit(() -> minter.mint(TokenReviewProfile.ISSUER, kubectl, grant).idToken()
                        .orElseThrow()));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<String> f : minted) {
                tokens.add(f.get());
            }
            assertThat(Set.copyOf(tokens)).hasSize(DISTINCT_TOKENS);
            return tokens;
        } finally {
            pool.shutdown();
        }
    }
}
