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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
 * bridge's own check of the token against its published keys: parse, signature, claims, mapping; no cache). Two
 * loads over HTTPS against that one floor: a single token asked about again and again (what the verified-token cache
 * serves), and a mix of more distinct tokens than the cache holds, cycled, so that every review misses it. Excluded
 * from {@code verify}; run as docs/benchmarks.md says.
 */
@QuarkusTest
@TestProfile(TokenReviewProfile.class)
@Tag("benchmark")
class TokenReviewBenchmark {

    static final Duration JIT_WARMUP = Duration.ofSeconds(Integer.getInteger("bench.jitWarmup", 20));

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

        // The API server's TLS settings (from the webhook kubeconfig) on a blocking client: each load thread writes
        // its request and reads the answer on its own kept-alive connection. Connection state is off: by default
        // Apache's client marks a connection authenticated with a client certificate as belonging to that principal
        // and, asked without one, never reuses it (a TLS handshake per request).
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("https", new SSLConnectionSocketFactory(api.ssl())).build());
        connections.setMaxTotal(64);
        connections.setDefaultMaxPerRoute(64);
        connections.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(30_000).build());
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(connections)
                .disableCookieManagement().disableAutomaticRetries().disableContentCompression().disableConnectionState()
                .build()) {
            IssuanceBenchmark.Op overHttps = () -> {
                HttpPost post = new HttpPost(api.server());
                post.setHeader("Accept", "application/json, */*");
                post.setHeader("User-Agent", KubeApiServerWebhookModel.USER_AGENT);
                post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
                try (CloseableHttpResponse response = client.execute(post)) {
                    String answer = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return response.getStatusLine().getStatusCode() == 200 && answer.contains(expected);
                }
            };
            IssuanceBenchmark.Op inProcess = () -> reviewer.review(token, TokenReviewWebhookTest.API_AUDIENCES)
                    instanceof Review.Authenticated a && a.user().username().equals("alice@example.com");
            List<String> mixBodies = distinctTokens().stream()
                    .map(t -> api.requestBody(t, TokenReviewWebhookTest.API_AUDIENCES)).toList();
            AtomicInteger next = new AtomicInteger();
            IssuanceBenchmark.Op mixOverHttps = () -> {
                HttpPost post = new HttpPost(api.server());
                post.setHeader("Accept", "application/json, */*");
                post.setHeader("User-Agent", KubeApiServerWebhookModel.USER_AGENT);
                post.setEntity(new StringEntity(mixBodies.get(Math.floorMod(next.getAndIncrement(), mixBodies.size())),
                        ContentType.APPLICATION_JSON));
                try (CloseableHttpResponse response = client.execute(post)) {
                    String answer = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return response.getStatusLine().getStatusCode() == 200 && answer.contains(expected);
                }
            };
            assertThat(overHttps.run()).isTrue();
            assertThat(mixOverHttps.run()).isTrue();
            assertThat(inProcess.run()).isTrue();
            long connectionsBefore = server.connectionsAccepted();
            IssuanceBenchmark.load(overHttps, JIT_WARMUP);
            IssuanceBenchmark.load(mixOverHttps, JIT_WARMUP);
            IssuanceBenchmark.load(inProcess, JIT_WARMUP);
            compare("one token repeated (the cache's case)", overHttps, inProcess);
            compare(mixBodies.size() + " distinct tokens cycled (every review misses the cache)", mixOverHttps,
                    inProcess);
            IssuanceBenchmark.REPORT.add("verified tokens cached at the end: " + server.cachedTokens());
            System.out.println("BENCH verified tokens cached at the end: " + server.cachedTokens());
            // Keep-alive held: the bridge accepted no more connections than there are load threads.
            long opened = server.connectionsAccepted() - connectionsBefore;
            IssuanceBenchmark.REPORT.add("TLS connections accepted during the measurement: " + opened);
            System.out.println("BENCH TLS connections accepted during the measurement: " + opened);
            assertThat(opened).isLessThanOrEqualTo(Integer.getInteger("bench.threads", 4));
        }
        Path out = Path.of("target", "benchmarks", "tokenreview.txt");
        IssuanceBenchmark.REPORT.add(0, "load average at the end: " + loadAverage());
        Files.createDirectories(out.getParent());
        Files.write(out, List.copyOf(IssuanceBenchmark.REPORT));
    }

    /** One measured phase: throughput, and the whole process's CPU time per operation. */
    record Phase(double perSecond, double cpuMicrosPerOp, double p50Millis) {
    }

    static Phase phase(IssuanceBenchmark.Op op, Duration d) throws Exception {
        long cpu0 = processCpuNanos();
        IssuanceBenchmark.Result r = IssuanceBenchmark.load(op, d);
        long cpu = processCpuNanos() - cpu0;
        long ops = Math.max(1, r.latency().getTotalCount());
        return new Phase(r.perSecond(), cpu / 1e3 / ops, r.latency().getValueAtPercentile(50) / 1e3);
    }

    /**
     * The floor and ours in interleaved rounds, as {@link IssuanceBenchmark#compare} does, reporting beside the
     * throughput ratio (the target) the ratio of CPU time per review (process CPU: the load client's HTTP and TLS
     * are charged to the HTTPS side). Under other tenants' load the throughput ratio depends on how the scheduler
     * shares the cores between 4 floor threads and 4 client threads plus the event loops; CPU per review does not.
     */
    static void compare(String what, IssuanceBenchmark.Op ours, IssuanceBenchmark.Op floor) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        Duration slice = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10)).dividedBy(rounds);
        List<Double> throughput = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        Phase f = null;
        Phase o = null;
        for (int i = 0; i < rounds; i++) {
            f = phase(floor, slice);
            o = phase(ours, slice);
            throughput.add(o.perSecond() / f.perSecond());
            cpu.add(f.cpuMicrosPerOp() / o.cpuMicrosPerOp());
        }
        String line = String.format("TokenReview over HTTPS, %s: %.0f/s (p50 %.2f ms, %.0f µs CPU each) | floor, the"
                + " same review in process, uncached: %.0f/s (p50 %.2f ms, %.0f µs CPU each) | ratio %.2f (rounds %s);"
                + " CPU-per-review ratio %.2f (rounds %s); load average %s", what, o.perSecond(), o.p50Millis(),
                o.cpuMicrosPerOp(), f.perSecond(), f.p50Millis(), f.cpuMicrosPerOp(), median(throughput),
                rounded(throughput), median(cpu), rounded(cpu), loadAverage());
        IssuanceBenchmark.REPORT.add(line);
        System.out.println("BENCH " + line);
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
