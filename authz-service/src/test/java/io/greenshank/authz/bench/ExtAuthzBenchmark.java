package io.greenshank.authz.bench;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.greenshank.authz.dev.DevIssuer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Floor (no-op grpc-java ext_authz server) vs the sidecar, same process, same load generator. Not part of the default
 * build (tag {@code benchmark}); run it with the command in docs/authn-notes.md. Prints a table and writes it to
 * {@code target/benchmark.txt}.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(BenchmarkProfile.class)
class ExtAuthzBenchmark {

    static final int CONNECTIONS = 4;
    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    static final long WARMUP = Long.getLong("bench.warmupMillis", 2000);
    static final long MEASURE = Long.getLong("bench.measureMillis", 5000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @TestHTTPResource("/")
    URL base;

    static final long FRESH_WARMUP = 2000;
    static final long FRESH_MEASURE = 5000;

    @Inject
    Optional<DevIssuer> dev;

    @Inject
    io.greenshank.authz.jwt.VerifiedTokenCache cache;

    static CheckRequest request(String token) {
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder().setMethod("GET")
                .setHost("kubeflow.example.test").setPath("/pipeline/apis/v2beta1/runs?namespace=team-a").setScheme("https")
                .putHeaders(":authority", "kubeflow.example.test").putHeaders("user-agent", "bench/1.0")
                .putHeaders("accept", "application/json").putHeaders("x-request-id", "3f1c2a4e-bench")
                .putHeaders("kubeflow-userid", "mallory@example.com");
        if (token != null) {
            http.putHeaders("authorization", "Bearer " + token);
        }
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setPrincipal("spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway"))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http))).build();
    }

    /** The run with the median throughput; its latencies are reported with it. */
    static LoadGenerator.Result median(List<LoadGenerator.Result> runs) {
        List<LoadGenerator.Result> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(LoadGenerator.Result::throughput));
        return sorted.get(sorted.size() / 2);
    }

    static LoadGenerator.Result medianP99(List<LoadGenerator.Result> runs) {
        List<LoadGenerator.Result> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingLong(LoadGenerator.Result::p99Micros));
        return sorted.get(sorted.size() / 2);
    }

    int sidecarGrpcPort() {
        return BenchmarkProfile.SEPARATE
                ? org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class)
                : base.getPort();
    }

    @Test
    void floor_versus_sidecar() throws Exception {
        DevIssuer issuer = dev.orElseThrow();
        List<String> out = new ArrayList<>();
        out.add(String.format("cores=%d concurrency=%d connections=%d warmup=%dms measure=%dms java=%s grpc=%s decision-log=%s",
                Runtime.getRuntime().availableProcessors(), CONCURRENCY, CONNECTIONS, WARMUP, MEASURE,
                System.getProperty("java.version"), BenchmarkProfile.SEPARATE ? "separate-server" : "http-server",
                System.getProperty("bench.decisionLog", "false")));

        CheckRequest cached = request(issuer.mint("alice@example.com", List.of("team-a"), Duration.ofHours(1)));
        IntFunction<CheckRequest> cachedReq = i -> cached;
        // first-seen tokens: minted up front, each used once
        int fresh = Integer.getInteger("bench.freshTokens", 20_000);
        List<CheckRequest> firstSeen = new ArrayList<>(fresh);
        for (int i = 0; i < fresh; i++) {
            firstSeen.add(request(issuer.mint("user" + i + "@example.com", List.of("team-a"), Duration.ofHours(1))));
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        IntFunction<CheckRequest> freshReq = i -> firstSeen.get(next.getAndIncrement() % fresh);

        // The machine is shared: floor and sidecar phases alternate, and each figure is the median of ROUNDS runs.
        List<LoadGenerator.Result> floorPeaks = new ArrayList<>();
        List<LoadGenerator.Result> cachedPeaks = new ArrayList<>();
        List<LoadGenerator.Result> floorHalves = new ArrayList<>();
        List<LoadGenerator.Result> cachedHalves = new ArrayList<>();
        LoadGenerator.Result freshPeak;
        LoadGenerator.Result freshHalf;
        try (NoOpExtAuthzServer floor = new NoOpExtAuthzServer();
             LoadGenerator floorLoad = new LoadGenerator("127.0.0.1", floor.port(), CONNECTIONS);
             LoadGenerator sidecarLoad = new LoadGenerator(base.getHost(), sidecarGrpcPort(), CONNECTIONS)) {
            for (int r = 0; r < ROUNDS; r++) {
                floorPeaks.add(floorLoad.closedLoop("floor peak", cachedReq, CONCURRENCY, WARMUP, MEASURE));
                cachedPeaks.add(sidecarLoad.closedLoop("sidecar cached-token peak", cachedReq, CONCURRENCY, WARMUP, MEASURE));
            }
            double half = median(floorPeaks).throughput() / 2;
            for (int r = 0; r < ROUNDS; r++) {
                floorHalves.add(floorLoad.openLoop("floor @ half floor peak", cachedReq, half, WARMUP, MEASURE));
                cachedHalves.add(sidecarLoad.openLoop("sidecar cached @ half floor peak", cachedReq, half, WARMUP, MEASURE));
            }
            next.set(0);
            cache.clear();
            freshPeak = sidecarLoad.closedLoop("sidecar first-seen peak", freshReq, CONCURRENCY, FRESH_WARMUP, FRESH_MEASURE);
            cache.clear();
            freshHalf = sidecarLoad.openLoop("sidecar first-seen @ half own peak", freshReq, freshPeak.throughput() / 2, FRESH_WARMUP, FRESH_MEASURE);
        }
        LoadGenerator.Result floorPeak = median(floorPeaks);
        LoadGenerator.Result cachedPeak = median(cachedPeaks);
        LoadGenerator.Result floorHalf = medianP99(floorHalves);
        LoadGenerator.Result cachedHalf = medianP99(cachedHalves);
        for (int r = 0; r < ROUNDS; r++) {
            out.add("round " + r + ": " + floorPeaks.get(r) + " | " + cachedPeaks.get(r));
            out.add("round " + r + ": " + floorHalves.get(r) + " | " + cachedHalves.get(r));
        }
        out.add("medians:");
        for (LoadGenerator.Result r : List.of(floorPeak, floorHalf, cachedPeak, cachedHalf, freshPeak, freshHalf)) {
            out.add(r.toString());
        }
        out.add(String.format("cached/floor throughput ratio: %.2f (target >= 0.70)", cachedPeak.throughput() / floorPeak.throughput()));
        out.add(String.format("cached p99 - floor p99 at half floor peak: %d us (target <= 200 us)", cachedHalf.p99Micros() - floorHalf.p99Micros()));
        out.add(next.get() > fresh ? "WARNING: first-seen tokens wrapped around; raise -Dbench.freshTokens" : "first-seen tokens used: " + next.get() + " of " + fresh);
        out.add(String.format("first-seen/floor throughput ratio: %.2f", freshPeak.throughput() / floorPeak.throughput()));
        String table = String.join("\n", out);
        System.out.println("\n=== ext_authz benchmark ===\n" + table + "\n");
        Files.writeString(Path.of("target", "benchmark.txt"), table + "\n");

        assertThat(cachedPeak.denies()).as("the cached token is allowed").isZero();
        assertThat(freshPeak.denies()).as("first-seen tokens are allowed").isZero();
        assertThat(cachedPeak.errors() + freshPeak.errors()).isZero();
    }
}
