package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The wired product (bridge, profile-controller, authz-service as their packaged jars, real slapd and KDC, the API
 * server mock) under a realistic mix for {@code soak.minutes} (10 by default, the CI form; hours with the knob).
 * First the mix's peak is measured closed loop; then it runs open loop at {@code soak.fraction} (50 %) of that peak
 * while every service is sampled every {@code soak.sampleSeconds}. Asserted: every answer is the expected one; after
 * the warm-up, the old generation after a full GC in the last third is within 10 % of the first third; threads,
 * descriptors and established connections never exceed the first third's maximum plus a small slack.
 *
 * <p>Warm-up ({@code soak.warmupMinutes}, 2 by default, at most a third of the run): the verified-token cache keeps
 * an entry up to {@code cache.max-ttl} (2 min), so after 2 min of logins it holds as many tokens as it ever will at
 * this rate; each user's refresh families reach the bridge's cap of 50 within a minute; the first C1 compilations
 * and the Vert.x/JDK pools' growth to the load's concurrency are done well before.
 *
 * <p>Figures: {@code SOAK} lines on the console, {@code target/soak.txt}, and docs/benchmarks.md ("Soak").
 */
class SoakTest {

    static final int WORKERS = 8;
    static final double OLD_GEN_GROWTH_LIMIT = 0.10;
    /**
     * Slack over the first third's maximum. Threads: the services' worker pools add a thread when a burst finds
     * every worker busy and retire it after 60 s idle, so a GC pause or a neighbour's build can add a few. Descriptors:
     * those threads' and connections' descriptors plus the jar and class files reopened by the JDK. Connections:
     * the test's HTTP clients open one per concurrent request (at most {@link #WORKERS} per service) and close idle
     * ones, so the count follows the moment's concurrency.
     */
    static final int THREAD_SLACK = 6;
    static final int FD_SLACK = 12;
    static final int CONNECTION_SLACK = WORKERS;

    private final double minutes = Double.parseDouble(System.getProperty("soak.minutes", "10"));
    private final int peakSeconds = Integer.getInteger("soak.peakSeconds", 30);
    private final double fraction = Double.parseDouble(System.getProperty("soak.fraction", "0.5"));
    private final double warmupMinutes = Math.min(
            Double.parseDouble(System.getProperty("soak.warmupMinutes", "2")), minutes / 3);
    private final int sampleSeconds = Integer.getInteger("soak.sampleSeconds", 10);

    @Test
    void theWiredProductHoldsHalfItsPeakWithoutErrorsOrGrowth() throws Exception {
        Path work = Path.of("target/soak").toAbsolutePath();
        try (Greenshank g = Greenshank.start(work, Path.of("target/soak-logs").toAbsolutePath());
             Sidecar sidecar = new Sidecar(g.wiring.authzGrpcPort(), g.wiring.authzPort())) {
            SoakWorkload workload = readyWorkload(g, sidecar);
            LoadDriver driver = new LoadDriver(workload, WORKERS);

            assertThat(driver.closedLoop(Duration.ofSeconds(10)).firstErrors()).as("wrong answers while warming up")
                    .isEmpty();
            String loadAtPeak = loadAverage();
            LoadDriver.Result peak = driver.closedLoop(Duration.ofSeconds(peakSeconds));
            print("SOAK peak: %.1f ops/s closed loop, %d workers, %.0f s, %d ops, %d errors, p50 %.1f ms, p99 %.1f ms,"
                            + " load average %s", peak.perSecond(), WORKERS, peak.seconds(), peak.operations(),
                    peak.errors(), peak.p50Micros() / 1e3, peak.p99Micros() / 1e3, loadAtPeak);
            assertThat(peak.firstErrors()).as("wrong answers while measuring the peak").isEmpty();

            double rate = fraction * peak.perSecond();
            List<ProcessSampler.Sample> samples = Collections.synchronizedList(new ArrayList<>());
            List<String> loads = Collections.synchronizedList(new ArrayList<>());
            ProcessSampler sampler = new ProcessSampler(work);
            ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor();
            ExecutorService renewing = Executors.newSingleThreadExecutor();
            long start = System.currentTimeMillis();
            AtomicLong lastRenewal = new AtomicLong(start);
            AtomicLong failedRenewals = new AtomicLong();
            AtomicLong lastProgress = new AtomicLong(start);
            Map<String, Map<String, ProcessSampler.ClassCount>> afterWarmup = new ConcurrentHashMap<>();
            long warmupMillis = (long) (warmupMinutes * 60_000);
            sampling.scheduleAtFixedRate(() -> {
                sampleAll(g, sampler, start, samples, loads);
                if (afterWarmup.isEmpty() && System.currentTimeMillis() - start >= warmupMillis) {
                    afterWarmup.putAll(histograms(g, sampler));
                }
            }, 0, sampleSeconds, TimeUnit.SECONDS);
            print("SOAK open loop: %.1f ops/s (%.0f %% of peak) for %.1f min, warm-up %.1f min, samples every %d s",
                    rate, fraction * 100, minutes, warmupMinutes, sampleSeconds);
            LoadDriver.Result soak;
            try {
                soak = driver.openLoop(rate, Duration.ofMillis((long) (minutes * 60_000)), () -> {
                    long now = System.currentTimeMillis();
                    if (now - lastRenewal.get() >= 180_000) {
                        lastRenewal.set(now);
                        renewing.execute(() -> renew(workload, failedRenewals));
                    }
                    if (now - lastProgress.get() >= 60_000) {
                        lastProgress.set(now);
                        print("SOAK progress: %.1f min, load average %s", (now - start) / 60_000.0, loadAverage());
                    }
                });
            } finally {
                sampling.shutdown();
                sampling.awaitTermination(2, TimeUnit.MINUTES);
                renewing.shutdown();
            }
            long end = System.currentTimeMillis();
            List<String> growth = growth(afterWarmup, histograms(g, sampler));
            report(peak, rate, soak, samples, loads, start, end, workload, growth);
            assertThat(failedRenewals).as("session token renewals (logins) that failed").hasValue(0);
        }
    }

    private SoakWorkload readyWorkload(Greenshank g, Sidecar sidecar) throws Exception {
        SoakWorkload workload = new SoakWorkload(g, sidecar);
        String alice = workload.aliceToken();
        HttpClient http = g.wiring.http();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(g.wiring.controllerUrl("/kfam/v1/profiles"))
                .header("content-type", "application/json").header("authorization", "Bearer " + alice)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"alice"},
                         "spec":{"owner":{"kind":"User","name":"%s"}}}""".formatted(SoakWorkload.ALICE))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        // authz-service learns alice's policy from the API server: wait until the sidecar lets her in
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> sidecar.get(alice, SoakWorkload.NOTEBOOK).forwarded());
        return workload;
    }

    private static void renew(SoakWorkload workload, AtomicLong failures) {
        try {
            workload.renewSessionTokens();
        } catch (Exception | AssertionError e) {
            failures.incrementAndGet();
            print("SOAK session token renewal failed: %s", e);
        }
    }

    private static Map<String, Map<String, ProcessSampler.ClassCount>> histograms(Greenshank g,
                                                                                  ProcessSampler sampler) {
        Map<String, Map<String, ProcessSampler.ClassCount>> all = new TreeMap<>();
        for (Map.Entry<String, ServiceProcess> s : services(g).entrySet()) {
            try {
                all.put(s.getKey(), sampler.classHistogram(s.getValue().pid()));
            } catch (Exception e) {
                print("SOAK class histogram of %s failed: %s", s, e);
            }
        }
        return all;
    }

    /** Per service, the classes whose live bytes grew most between the end of the warm-up and the end. */
    private static List<String> growth(Map<String, Map<String, ProcessSampler.ClassCount>> before,
                                       Map<String, Map<String, ProcessSampler.ClassCount>> after) {
        List<String> lines = new ArrayList<>();
        after.forEach((service, classes) -> {
            Map<String, ProcessSampler.ClassCount> base = before.getOrDefault(service, Map.of());
            classes.entrySet().stream()
                    .map(e -> {
                        ProcessSampler.ClassCount b = base.getOrDefault(e.getKey(), new ProcessSampler.ClassCount(0, 0));
                        return Map.entry(e.getKey(), new ProcessSampler.ClassCount(
                                e.getValue().instances() - b.instances(), e.getValue().bytes() - b.bytes()));
                    })
                    .sorted(Comparator.comparingLong(
                            (Map.Entry<String, ProcessSampler.ClassCount> e) -> e.getValue().bytes()).reversed())
                    .limit(8)
                    .forEach(e -> lines.add(String.format(Locale.ROOT, "SOAK growth %s: %+d KiB, %+d instances of %s",
                            service, e.getValue().bytes() / 1024, e.getValue().instances(), e.getKey())));
        });
        return lines;
    }

    private static Map<String, ServiceProcess> services(Greenshank g) {
        return Map.of("oidc-bridge", g.bridge, "profile-controller", g.controller, "authz-service", g.authz);
    }

    private static void sampleAll(Greenshank g, ProcessSampler sampler, long start,
                                  List<ProcessSampler.Sample> samples, List<String> loads) {
        long at = System.currentTimeMillis() - start;
        loads.add(loadAverage());
        for (Map.Entry<String, ServiceProcess> s : services(g).entrySet()) {
            try {
                samples.add(sampler.sample(s.getKey(), s.getValue().pid(), at));
            } catch (Exception e) {
                print("SOAK sample of %s at %d s failed: %s", s, at / 1000, e);
            }
        }
    }

    private void report(LoadDriver.Result peak, double rate, LoadDriver.Result soak,
                        List<ProcessSampler.Sample> samples, List<String> loads, long start, long end,
                        SoakWorkload workload, List<String> growth) throws IOException {
        long from = (long) (warmupMinutes * 60_000);
        long to = end - start;
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "SOAK run: %s, %.1f min open loop at %.1f ops/s (%.0f %% of the %.1f ops/s"
                        + " peak), %d workers; %d ops, %d errors, %.1f ops/s achieved, p50 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms from due time, max backlog %d; writes deferred to reads: %d",
                Instant.ofEpochMilli(start), (end - start) / 60_000.0, rate, fraction * 100, peak.perSecond(), WORKERS,
                soak.operations(), soak.errors(), soak.perSecond(), soak.p50Micros() / 1e3, soak.p99Micros() / 1e3,
                soak.maxMicros() / 1e3, soak.maxBacklog(), workload.writesDeferred.get()));
        out.add("SOAK mix: " + soak.perKind());
        out.add("SOAK load average (1/5/15 min) at the samples: first " + (loads.isEmpty() ? "-" : loads.get(0))
                + ", middle " + (loads.isEmpty() ? "-" : loads.get(loads.size() / 2)) + ", last "
                + (loads.isEmpty() ? "-" : loads.get(loads.size() - 1)));
        out.add(String.format(Locale.ROOT, "SOAK windows after a %.1f min warm-up: thirds of %.1f min",
                warmupMinutes, (to - from) / 3 / 60_000.0));
        out.add("| Service | Old gen after GC, first → last third (MiB) | Change | Slope (KiB/min) | Metaspace"
                + " change (KiB) | Threads max first / later | FDs max first / later | Established max first /"
                + " later | RSS last third (MiB) | Samples |");
        out.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(soak.errors()).as("wrong answers during the soak: %s", soak.firstErrors()).isZero();
        for (String service : List.of("oidc-bridge", "profile-controller", "authz-service")) {
            SoakTrend t = SoakTrend.of(service, samples, from, to);
            ToLongFunction<ProcessSampler.Sample> old = ProcessSampler.Sample::oldGenAfterGcKb;
            ToLongFunction<ProcessSampler.Sample> threads = ProcessSampler.Sample::threads;
            ToLongFunction<ProcessSampler.Sample> fds = ProcessSampler.Sample::fds;
            ToLongFunction<ProcessSampler.Sample> conns = ProcessSampler.Sample::established;
            out.add(String.format(Locale.ROOT, "| %s | %.1f → %.1f | %+.1f %% | %+.0f | %+.0f | %d / %d | %d / %d |"
                            + " %d / %d | %.0f | %d |", service, t.meanFirst(old) / 1024, t.meanLast(old) / 1024,
                    t.change(old) * 100, t.slopePerMinute(old),
                    t.meanLast(ProcessSampler.Sample::metaspaceKb) - t.meanFirst(ProcessSampler.Sample::metaspaceKb),
                    t.maxFirst(threads), t.maxAfterFirst(threads), t.maxFirst(fds), t.maxAfterFirst(fds),
                    t.maxFirst(conns), t.maxAfterFirst(conns), t.meanLast(ProcessSampler.Sample::rssKb) / 1024,
                    t.all().size()));
            soft.assertThat(t.first()).as("%s: samples in the first third", service).isNotEmpty();
            soft.assertThat(t.last()).as("%s: samples in the last third", service).isNotEmpty();
            soft.assertThat(t.change(old)).as("%s: old generation after GC, last third vs first", service)
                    .isLessThanOrEqualTo(OLD_GEN_GROWTH_LIMIT);
            soft.assertThat(t.maxAfterFirst(threads)).as("%s: threads", service)
                    .isLessThanOrEqualTo(t.maxFirst(threads) + THREAD_SLACK);
            soft.assertThat(t.maxAfterFirst(fds)).as("%s: open descriptors", service)
                    .isLessThanOrEqualTo(t.maxFirst(fds) + FD_SLACK);
            soft.assertThat(t.maxAfterFirst(conns)).as("%s: established connections", service)
                    .isLessThanOrEqualTo(t.maxFirst(conns) + CONNECTION_SLACK);
        }
        out.add("SOAK live-object growth from the end of the warm-up to the end (GC.class_histogram):");
        out.addAll(growth);
        out.add("SOAK samples (s, service, old gen KiB, metaspace KiB, threads, fds, established, RSS KiB):");
        synchronized (samples) {
            for (ProcessSampler.Sample s : samples) {
                out.add(String.format(Locale.ROOT, "SOAK sample %d %s %d %d %d %d %d %d", s.atMillis() / 1000,
                        s.service(), s.oldGenAfterGcKb(), s.metaspaceKb(), s.threads(), s.fds(), s.established(),
                        s.rssKb()));
            }
        }
        out.forEach(System.out::println);
        Files.write(Path.of("target/soak.txt"), out, StandardCharsets.UTF_8);
        soft.assertAll();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
