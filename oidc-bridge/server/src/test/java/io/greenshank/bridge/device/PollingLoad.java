package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device-polling benchmarks' load and measurement: {@code CODES} clients each posting every 5 s (spread evenly)
 * for a warm-up and then a measured window, from a JDK {@code HttpClient} in this JVM. A window's figure is the CPU
 * time of the threads that serve HTTP (by {@code ThreadMXBean}) over its wall time, as a share of one core.
 */
final class PollingLoad {

    static final int CODES = Integer.getInteger("bench.codes", 1_000);
    static final long INTERVAL_MS = 5_000;
    static final int WARMUP_S = Integer.getInteger("bench.warmupSeconds", 15);
    static final int WINDOW_S = Integer.getInteger("bench.seconds", 60);
    static final String POLL = "grant_type=" + URLEncoder.encode(DeviceCodeGrant.GRANT_TYPE, StandardCharsets.UTF_8)
            + "&client_id=kubectl&device_code=";
    static final String FLOOR = "grant_type=unsupported&client_id=kubectl";

    /** One measured window. {@code apiRequests}: what the Kubernetes API received meanwhile (0 without one). */
    record Window(double bridgeCoreShare, double processCoreShare, long requests, Map<String, Integer> answers,
                  long apiRequests) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-http");
        t.setDaemon(true);
        return t;
    })).build();
    private final Map<String, Window> windows = new LinkedHashMap<>();

    PollingLoad(String base) {
        this.base = base.replaceAll("/$", "");
    }

    URI url(String path) {
        return URI.create(base + path);
    }

    HttpResponse<String> post(URI target, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code CODES} pending device codes for {@code kubectl}. */
    List<String> startCodes() throws Exception {
        List<String> deviceCodes = new ArrayList<>();
        Pattern dc = Pattern.compile("\"device_code\":\"([^\"]+)\"");
        for (int i = 0; i < CODES; i++) {
            HttpResponse<String> r = post(url("/device_authorization"), "client_id=kubectl&scope=openid");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Matcher m = dc.matcher(r.body());
            assertThat(m.find()).isTrue();
            deviceCodes.add(m.group(1));
        }
        return deviceCodes;
    }

    /** A window against the bridge's token endpoint. */
    Window measure(String name, IntFunction<String> form, LongSupplier apiRequests) throws Exception {
        Window w = run(url("/token"), form, apiRequests);
        windows.put(name, w);
        return w;
    }

    /**
     * A window against a bare Vert.x server in this JVM answering every post with the same 400 JSON as a pending
     * poll: the cost of HTTP itself at this rate on this machine (the bridge idle meanwhile).
     */
    Window measureBareVertx(IntFunction<String> form) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b ->
                    req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end("{\"error\":\"authorization_pending\",\"error_description\":\"the user has not "
                                    + "yet approved this device\"}")))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Window w = run(URI.create("http://127.0.0.1:" + server.actualPort() + "/token"), form, () -> 0);
            windows.put("bare Vert.x", w);
            return w;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Prints every window so far, with the load average the figures were taken under. */
    void print(String title) throws Exception {
        System.out.printf("%n%s  codes=%d interval=%d s window=%d s  loadavg %s%n", title, CODES,
                INTERVAL_MS / 1000, WINDOW_S, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                        .trim());
        for (var e : windows.entrySet()) {
            Window w = e.getValue();
            System.out.printf("  %-22s %6d requests %7.1f req/s  bridge threads %.2f %% of a core  (process %.2f %%)"
                    + "  API requests %d (%.2f/s)  answers %s%n", e.getKey(), w.requests(),
                    w.requests() / (double) WINDOW_S, 100 * w.bridgeCoreShare(), 100 * w.processCoreShare(),
                    w.apiRequests(), w.apiRequests() / (double) WINDOW_S, w.answers());
        }
    }

    /** Every code's request every 5 s, spread evenly; warm-up, then the measured window. */
    private Window run(URI target, IntFunction<String> form, LongSupplier apiRequests) throws Exception {
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
            long api0 = apiRequests.getAsLong();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu0 = bridgeThreadCpu(threads);
            long process0 = processCpu();
            long t0 = System.nanoTime();
            Thread.sleep(WINDOW_S * 1000L);
            long wall = System.nanoTime() - t0;
            Map<Long, Long> cpu1 = bridgeThreadCpu(threads);
            long process = processCpu() - process0;
            long api = apiRequests.getAsLong() - api0;
            long bridge = 0;
            for (var e : cpu1.entrySet()) {
                bridge += e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
            }
            return new Window(bridge / (double) wall, process / (double) wall, requests.get() - before,
                    new HashMap<>(answers), api);
        } finally {
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            Thread.sleep(2_000);
        }
    }

    /**
     * CPU time of the threads that serve HTTP: Vert.x event loops and the Quarkus worker pool (and, for the bare
     * floor, that server's event loops, which share the name; with the kubernetes store also the mock API server's
     * event loops, idle while polls are answered from the watched copy, and counted against the bridge).
     */
    private static Map<Long, Long> bridgeThreadCpu(ThreadMXBean threads) {
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

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
