package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Device-code polling cost (not part of {@code verify}; see docs/benchmarks.md): 1,000 pending device codes, each
 * polled every 5 s as RFC 8628 clients do (200 polls/s, spread evenly), for a measured window after a warm-up. The
 * figure is the CPU time of the bridge's own threads (Vert.x event loops and the worker pool that runs the token
 * endpoint) over the wall time of the window, as a share of one core; the load generator's threads are not counted.
 * Floors, same run, same schedule: {@code POST /token} with an unsupported grant type (client authentication, form
 * parsing and a JSON error: everything a poll costs except the device-code lookup), and a bare Vert.x server in the
 * same JVM answering every post with the same 400 JSON (the cost of HTTP itself; the bridge is idle meanwhile).
 */
@QuarkusTest
@TestProfile(DevicePollingBenchmark.Profile.class)
@Tag("benchmark")
class DevicePollingBenchmark {

    /** The memory session store, kubectl allowed the device grant, codes living longer than the run. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.clients.kubectl.grant-types", DeviceCodeGrant.GRANT_TYPE,
                    "greenshank.bridge.device.code-lifetime", "PT30M",
                    "quarkus.log.category.\"io.greenshank\".level", "WARN");
        }
    }

    static final int CODES = Integer.getInteger("bench.codes", 1_000);
    static final long INTERVAL_MS = 5_000;
    static final int WARMUP_S = Integer.getInteger("bench.warmupSeconds", 15);
    static final int WINDOW_S = Integer.getInteger("bench.seconds", 60);

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-http");
        t.setDaemon(true);
        return t;
    })).build();

    String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    HttpResponse<String> post(String path, String form) throws Exception {
        return post(URI.create(url(path)), form);
    }

    HttpResponse<String> post(URI target, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    record Window(double bridgeCoreShare, double processCoreShare, long requests, Map<String, Integer> answers) {
    }

    @Test
    void thousandPendingCodesPolledEveryFiveSeconds() throws Exception {
        List<String> deviceCodes = new ArrayList<>();
        Pattern dc = Pattern.compile("\"device_code\":\"([^\"]+)\"");
        for (int i = 0; i < CODES; i++) {
            HttpResponse<String> r = post("/device_authorization", "client_id=kubectl&scope=openid");
            assertThat(r.statusCode()).isEqualTo(200);
            Matcher m = dc.matcher(r.body());
            assertThat(m.find()).isTrue();
            deviceCodes.add(m.group(1));
        }
        String grant = "grant_type=" + java.net.URLEncoder.encode(DeviceCodeGrant.GRANT_TYPE,
                java.nio.charset.StandardCharsets.UTF_8) + "&client_id=kubectl&device_code=";
        URI token = URI.create(url("/token"));
        Window floor1 = run(token, i -> "grant_type=unsupported&client_id=kubectl");
        Window polls = run(token, i -> grant + deviceCodes.get(i));
        Window floor2 = run(token, i -> "grant_type=unsupported&client_id=kubectl");
        Vertx vertx = Vertx.vertx();
        Window bare;
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b ->
                    req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end("{\"error\":\"authorization_pending\",\"error_description\":\"the user has not "
                                    + "yet approved this device\"}")))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            bare = run(URI.create("http://127.0.0.1:" + server.actualPort() + "/token"),
                    i -> grant + deviceCodes.get(i));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("%nDEVICE POLLING  codes=%d interval=%d s window=%d s%n", CODES, INTERVAL_MS / 1000,
                WINDOW_S);
        Map<String, Window> all = new java.util.LinkedHashMap<>();
        all.put("token floor 1", floor1);
        all.put("device polls", polls);
        all.put("token floor 2", floor2);
        all.put("bare Vert.x", bare);
        for (var e : all.entrySet()) {
            Window w = e.getValue();
            System.out.printf("  %-15s %6d requests %7.1f req/s  bridge threads %.2f %% of a core  (process %.2f %%)"
                    + "  answers %s%n", e.getKey(), w.requests(), w.requests() / (double) WINDOW_S,
                    100 * w.bridgeCoreShare(), 100 * w.processCoreShare(), w.answers());
        }
        double floor = (floor1.bridgeCoreShare() + floor2.bridgeCoreShare()) / 2;
        System.out.printf("  ratio device polls / token floor: %.2f; / bare Vert.x: %.2f%n",
                polls.bridgeCoreShare() / floor, polls.bridgeCoreShare() / bare.bridgeCoreShare());
        assertThat(polls.answers()).containsOnlyKeys("400 authorization_pending");
        assertThat(polls.bridgeCoreShare()).as("share of one core").isLessThan(0.05);
    }

    /** Every code's request every 5 s, spread evenly; warm-up, then the measured window. */
    Window run(URI target, IntFunction<String> form) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-poller");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger requests = new AtomicInteger();
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        Pattern error = Pattern.compile("\"error\":\"([a-z_]+)\"");
        try {
            for (int i = 0; i < CODES; i++) {
                int code = i;
                scheduler.scheduleAtFixedRate(() -> {
                    try {
                        HttpResponse<String> r = post(target, form.apply(code));
                        Matcher m = error.matcher(r.body());
                        requests.incrementAndGet();
                        answers.merge(r.statusCode() + " " + (m.find() ? m.group(1) : "ok"), 1, Integer::sum);
                    } catch (Exception e) {
                        answers.merge("exception " + e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }, i * INTERVAL_MS / CODES, INTERVAL_MS, TimeUnit.MILLISECONDS);
            }
            Thread.sleep(WARMUP_S * 1000L);
            answers.clear();
            int before = requests.get();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu0 = bridgeThreadCpu(threads);
            long process0 = processCpu();
            long t0 = System.nanoTime();
            Thread.sleep(WINDOW_S * 1000L);
            long wall = System.nanoTime() - t0;
            Map<Long, Long> cpu1 = bridgeThreadCpu(threads);
            long process = processCpu() - process0;
            long bridge = 0;
            for (var e : cpu1.entrySet()) {
                bridge += e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
            }
            return new Window(bridge / (double) wall, process / (double) wall, requests.get() - before,
                    new HashMap<>(answers));
        } finally {
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            Thread.sleep(2_000);
        }
    }

    /**
     * CPU time of the threads that serve HTTP in the bridge: Vert.x event loops and the Quarkus worker pool (and,
     * for the bare floor, that server's event loops, which share the name).
     */
    static Map<Long, Long> bridgeThreadCpu(ThreadMXBean threads) {
        Map<Long, Long> out = new HashMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("vert.x-eventloop")
                    || info.getThreadName().startsWith("executor-thread")
                    || info.getThreadName().startsWith("vert.x-worker"))) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    out.put(info.getThreadId(), t);
                }
            }
        }
        return out;
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
