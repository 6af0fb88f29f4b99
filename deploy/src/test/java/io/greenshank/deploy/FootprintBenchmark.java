package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.greenshank.e2e.ScenarioDirectory;
import io.greenshank.e2e.ServiceProcess;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.testing.net.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's footprint: each service in its prod profile, JVM mode, from its packaged jar with the environment its
 * rendered Deployment gives it ({@link RenderedInstall}, standalone overlay) and the JVM flags of its container,
 * against a floor measured in the same run: the smallest Quarkus application of the same version
 * ({@code deploy/floor}: REST + SmallRye Health), packaged the same way, started with the same flags. Per application
 * and variant (without and with an AppCDS archive): start-to-ready (process start to the first 200 from
 * {@code /q/health/ready}), RSS after {@code bench.idleSeconds} idle, then {@code bench.loadSeconds} of closed-loop load
 * with {@code bench.threads} clients, its throughput, and RSS after it.
 *
 * <p>The container's flags: the Deployment's {@code JAVA_TOOL_OPTIONS} from the environment, plus what the JVM derives
 * from the pod's memory limit when it runs in one ({@code -XX:MaxRAM=<limit>}, and the serial collector, which
 * HotSpot's ergonomics pick for a limit under 1,792 MiB: {@code os::is_server_class_machine}); no CPU limit, as in the
 * manifests.
 *
 * <p>Loads: floor {@code GET /hello}; authz-service a cached-token gRPC Check through the gateway model (the shape of
 * the ext_authz benchmark, closed loop); oidc-bridge alice's password grant (LDAPS search + bind + signature, the
 * issuance benchmark's request); profile-controller alice's {@code GET /kfam/v1/bindings?namespace=alice} as her
 * gateway-forwarded call (the KFAM-over-HTTP benchmark's request).
 */
@Tag("benchmark")
class FootprintBenchmark {

    static final int IDLE_SECONDS = Integer.getInteger("bench.idleSeconds", 10);
    static final int LOAD_SECONDS = Integer.getInteger("bench.loadSeconds", 60);
    static final int THREADS = Integer.getInteger("bench.threads", 4);
    static final boolean APPCDS = Boolean.parseBoolean(System.getProperty("bench.appcds", "true"));
    /**
     * A diagnostic run, for where the memory goes rather than how much: native memory tracking (which costs memory of
     * its own) and a class-load log per process, and at idle {@code VM.native_memory summary} and the RSS before and
     * after {@code System.trim_native_heap}. Its figures are not comparable with a normal run's.
     */
    static final boolean DIAGNOSE = Boolean.getBoolean("bench.diagnose");
    static final long MIB = 1024 * 1024;
    /** Which services to measure (the floor is measured in every run): names of their containers. */
    static final List<String> SERVICES = List.of(System.getProperty("bench.services",
            "authz-service,oidc-bridge,profile-controller").split(","));

    /** One application's run: start-to-ready, RSS idle and after load (KiB), and the load's rate. */
    record Figures(String app, String variant, long readyMillis, long readyCpuMillis, long rssIdleKib, long rssLoadKib,
                   double perSecond, long errors) {
        String row() {
            return "| %s | %s | %,d ms | %,d ms | %.1f MiB | %.1f MiB | %,.0f/s | %d |".formatted(app, variant,
                    readyMillis, readyCpuMillis, rssIdleKib / 1024.0, rssLoadKib / 1024.0, perSecond, errors);
        }
    }

    RenderedInstall g;
    MeshClients mesh;
    String aliceToken;
    final Path work = Path.of("target/footprint").toAbsolutePath();
    final List<String> report = new ArrayList<>();

    @Test
    void footprintAgainstTheFloor() throws Exception {
        String loadBefore = loadAverage();
        List<String> light = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1");
        g = RenderedInstall.start("overlays/standalone", work.resolve("install"), Map.of(
                RenderedInstall.BRIDGE, light, RenderedInstall.CONTROLLER, light, RenderedInstall.AUTHZ, light));
        try (RenderedInstall closing = g) {
            mesh = new MeshClients(g);
            aliceToken = mesh.accessToken("alice", ScenarioDirectory.ALICE_PASSWORD);
            createAliceProfile();

            Map<Long, List<Figures>> floors = new LinkedHashMap<>();
            List<Figures> all = new ArrayList<>();
            for (RenderedInstall.Service s : List.of(RenderedInstall.AUTHZ, RenderedInstall.BRIDGE,
                    RenderedInstall.CONTROLLER)) {
                if (!SERVICES.contains(s.container())) {
                    continue;
                }
                Deployment d = g.deploymentOf(s);
                long limit = memoryLimit(d);
                List<String> flags = containerFlags(limit);
                List<Figures> floor = floors.computeIfAbsent(limit, l -> floor(flags));
                all.addAll(floor);
                all.add(measure(s, "plain", flags));
                if (APPCDS) {
                    List<String> withCds = new ArrayList<>(flags);
                    withCds.add("-XX:SharedArchiveFile=" + archive(s.container(), s.module(), flags));
                    all.add(measure(s, "AppCDS", withCds));
                }
                report.add("%s: limit %d MiB, JAVA_TOOL_OPTIONS=%s, MALLOC_ARENA_MAX=%s, flags %s".formatted(
                        s.container(), limit / MIB, g.environments.get(s.deployment()).get("JAVA_TOOL_OPTIONS"),
                        g.environments.get(s.deployment()).get("MALLOC_ARENA_MAX"), flags));
            }
            report.add("load average before: " + loadBefore + "; after: " + loadAverage());
            report.add("| application | variant | start-to-ready | CPU to ready | RSS idle | RSS after load | throughput"
                    + " | errors |");
            report.add("| --- | --- | --- | --- | --- | --- | --- | --- |");
            all.stream().distinct().forEach(f -> report.add(f.row()));
            ratios(all, floors);
            String text = String.join("\n", report);
            System.out.println("FOOTPRINT\n" + text);
            Files.createDirectories(Path.of("target/benchmarks"));
            Files.writeString(Path.of("target/benchmarks/footprint.txt"), text + "\n");
            mesh.close();
        }
    }

    private void ratios(List<Figures> all, Map<Long, List<Figures>> floors) {
        for (RenderedInstall.Service s : List.of(RenderedInstall.AUTHZ, RenderedInstall.BRIDGE,
                RenderedInstall.CONTROLLER)) {
            List<Figures> floor = floors.get(memoryLimit(g.deploymentOf(s)));
            if (floor == null) {
                continue;
            }
            for (Figures f : all) {
                if (!f.app().equals(s.container())) {
                    continue;
                }
                Figures base = floor.stream().filter(x -> x.variant().equals(f.variant())).findFirst()
                        .orElse(floor.get(0));
                report.add(("%s %s: RSS idle %.2f × floor (%s), start-to-ready %.2f × floor (CPU time to ready %.2f ×);"
                        + " targets RSS idle ≤ 1.5 × and"
                        + " ≤ 128 MiB: %s; after load ≤ 256 MiB: %s; start ≤ 2 ×: %s").formatted(f.app(), f.variant(),
                        (double) f.rssIdleKib() / base.rssIdleKib(), base.variant(),
                        (double) f.readyMillis() / base.readyMillis(),
                        (double) f.readyCpuMillis() / base.readyCpuMillis(),
                        f.rssIdleKib() <= 1.5 * base.rssIdleKib() && f.rssIdleKib() <= 128 * 1024 ? "met" : "MISSED",
                        f.rssLoadKib() <= 256 * 1024 ? "met" : "MISSED",
                        f.readyMillis() <= 2 * base.readyMillis() ? "met" : "MISSED"));
            }
        }
    }

    static long memoryLimit(Deployment d) {
        Quantity q = d.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
                .get("memory");
        return Quantity.getAmountInBytes(q).longValueExact();
    }

    static List<String> containerFlags(long limit) {
        return List.of("-XX:MaxRAM=" + limit, "-XX:+UseSerialGC");
    }

    private void createAliceProfile() throws Exception {
        String profile = """
                {"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"alice"},
                 "spec":{"owner":{"kind":"User","name":"alice@example.test"}}}""";
        EnvoyOutcome viaGateway = mesh.atTheGateway("POST", "/kfam/v1/profiles", aliceToken, Map.of());
        HttpResponse<String> r = mesh.kfam("POST", "/kfam/v1/profiles", viaGateway, MeshClients.GATEWAY, profile);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    // ---- the floor --------------------------------------------------------------------------------------------------

    private List<Figures> floor(List<String> flags) {
        try {
            List<Figures> f = new ArrayList<>();
            f.add(measureFloor("plain", flags));
            if (APPCDS) {
                List<String> withCds = new ArrayList<>(flags);
                withCds.add("-XX:SharedArchiveFile=" + archive("floor", "deploy/floor", flags));
                f.add(measureFloor("AppCDS", withCds));
            }
            return f;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Figures measureFloor(String variant, List<String> flags) throws Exception {
        int port = FreePorts.loopback();
        Map<String, String> env = new LinkedHashMap<>();
        // the same JVM and malloc settings as the services (the Deployments set one value; ManifestsTest keeps them equal)
        env.putAll(jvmEnvironment());
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("LANG", "C.UTF-8");
        long t0 = System.nanoTime();
        try (ServiceProcess p = ServiceProcess.startAsContainer("floor", "deploy/floor", diagnosed("floor", variant,
                flags), env,
                Files.createDirectories(work.resolve("logs")))) {
            URI hello = URI.create("http://127.0.0.1:" + port + "/hello");
            HttpClient http = HttpClient.newHttpClient();
            return run("floor", variant, p, t0, URI.create("http://127.0.0.1:" + port + "/q/health/ready"), http,
                    () -> http.send(HttpRequest.newBuilder(hello).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        }
    }

    // ---- the services -----------------------------------------------------------------------------------------------

    /**
     * The archive deploy/image/build.sh makes for an image: Quarkus' own AppCDS training run
     * ({@code -Dquarkus.appcds.generate=true}: the application starts and exits at once) with a dynamic archive
     * written at exit, from the packaged jar, with the container's flags and no configuration (an image build has
     * none), on this JVM (the image's is the jlink'd runtime of the same JDK).
     */
    private Path archive(String name, String module, List<String> flags) throws Exception {
        Path archive = work.resolve(name + "-" + flags.get(0).substring("-XX:MaxRAM=".length()) + ".jsa");
        // never an earlier run's: an archive of another build of the jar is refused by the JVM (it then runs without)
        Files.deleteIfExists(archive);
        List<String> training = new ArrayList<>(flags);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.add("-Dquarkus.appcds.generate=true");
        Map<String, String> env = new LinkedHashMap<>(jvmEnvironment());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("LANG", "C.UTF-8");
        try (ServiceProcess p = ServiceProcess.startAsContainer(name + "-appcds-training", module, training, env,
                Files.createDirectories(work.resolve("logs")))) {
            if (p.awaitExit(RenderedInstall.START_TIMEOUT).isEmpty()) {
                throw new AssertionError(name + "'s AppCDS training run did not exit:\n" + p.tail());
            }
            assertThat(archive).as(name + "'s dynamic CDS archive; training log:\n" + p.tail()).exists();
        }
        return archive;
    }

    /** What the Deployments set for the JVM and the C library rather than for the service: the floor gets it too. */
    private Map<String, String> jvmEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX")) {
            String value = g.environments.get(RenderedInstall.AUTHZ.deployment()).get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    private Figures measure(RenderedInstall.Service s, String variant, List<String> flags) throws Exception {
        // the bridge's access tokens live ten minutes: one per measurement
        String token = mesh.accessToken("alice", ScenarioDirectory.ALICE_PASSWORD);
        // the previous instance stops first, outside the clock (up to 10 s): the floor has none to stop
        g.processes.get(s.deployment()).close();
        long t0 = System.nanoTime();
        ServiceProcess p = g.restart(s, diagnosed(s.container(), variant, flags));
        Callable<Boolean> request;
        if (s == RenderedInstall.AUTHZ) {
            request = () -> mesh.atTheGateway("GET", "/notebook/alice/nb1/lab", token, Map.of()).forwarded();
        } else if (s == RenderedInstall.BRIDGE) {
            request = () -> mesh.passwordGrant("alice", ScenarioDirectory.ALICE_PASSWORD).statusCode() == 200;
        } else {
            EnvoyOutcome viaGateway = mesh.atTheGateway("GET", "/kfam/v1/bindings", token, Map.of());
            request = () -> mesh.kfam("GET", "/kfam/v1/bindings?namespace=alice", viaGateway, MeshClients.GATEWAY,
                    null).statusCode() == 200;
        }
        return run(s.container(), variant, p, t0, g.readyUrl(s), mesh.http, request);
    }

    private List<String> diagnosed(String app, String variant, List<String> flags) throws IOException {
        if (!DIAGNOSE) {
            return flags;
        }
        List<String> f = new ArrayList<>(flags);
        f.add("-XX:NativeMemoryTracking=summary");
        f.add("-Xlog:class+load=info:file=" + Files.createDirectories(work.resolve("breakdown"))
                .resolve(app + "-" + variant + "-classes.txt"));
        return f;
    }

    // ---- the measurement --------------------------------------------------------------------------------------------

    private Figures run(String app, String variant, ServiceProcess p, long t0, URI ready, HttpClient http,
                        Callable<Boolean> request) throws Exception {
        long readyMillis = awaitReady(p, ready, http, t0);
        long readyCpuMillis = cpuMillis(p.pid());
        if (p.logText().contains("Unable to use shared archive")) {
            throw new AssertionError(app + " " + variant + ": the JVM refused the archive:\n" + p.tail());
        }
        Thread.sleep(IDLE_SECONDS * 1000L);
        long idle = rssKib(p.pid());
        breakdown(app + "-" + variant + "-idle", p.pid());
        LongAdder ok = new LongAdder();
        LongAdder errors = new LongAdder();
        long end = System.nanoTime() + LOAD_SECONDS * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < THREADS; i++) {
            clients.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (request.call()) {
                            ok.increment();
                        } else {
                            errors.increment();
                        }
                    } catch (Exception e) {
                        errors.increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> c : clients) {
            c.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long loaded = rssKib(p.pid());
        breakdown(app + "-" + variant + "-loaded", p.pid());
        Figures f = new Figures(app, variant, readyMillis, readyCpuMillis, idle, loaded, ok.sum() / seconds,
                errors.sum());
        System.out.println("FOOTPRINT " + f.row());
        return f;
    }

    /** Process start to the first 200 from the readiness endpoint, polled every 20 ms. */
    private static long awaitReady(ServiceProcess p, URI ready, HttpClient http, long t0) throws Exception {
        long deadline = t0 + RenderedInstall.START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError(p + " not ready at " + ready + ":\n" + p.tail());
    }

    /** Where the RSS goes, for the analysis in docs/benchmarks.md: threads, heap and metaspace, kept per phase. */
    private void breakdown(String name, long pid) throws Exception {
        StringBuilder b = new StringBuilder(Files.readString(Path.of("/proc/" + pid + "/status")));
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> commands = new ArrayList<>(List.of("GC.heap_info", "VM.metaspace"));
        if (DIAGNOSE && name.endsWith("-idle")) {
            commands.addAll(List.of("VM.native_memory summary", "System.trim_native_heap"));
        }
        for (String command : commands) {
            List<String> cmd = new ArrayList<>(List.of(jcmd, String.valueOf(pid)));
            cmd.addAll(List.of(command.split(" ")));
            Process j = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            b.append("\n== ").append(command).append('\n').append(new String(j.getInputStream().readAllBytes()));
            j.waitFor();
        }
        if (DIAGNOSE) {
            b.append("\n== VmRSS after the above: ").append(rssKib(pid)).append(" kB\n");
        }
        Files.writeString(Files.createDirectories(work.resolve("breakdown")).resolve(name + ".txt"), b);
    }

    /**
     * CPU time the process has used (user + system, {@code /proc/<pid>/stat} fields 14 and 15, in 10 ms ticks): on a
     * machine shared with other builds the wall-clock start depends on the CPU share a JVM gets, its CPU time far less.
     */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
