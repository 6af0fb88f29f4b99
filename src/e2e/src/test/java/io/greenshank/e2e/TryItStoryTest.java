package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.greenshank.testing.net.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * README's "Try it", for real: runs {@code bin/greenshank-dev} as a newcomer does (free ports through its variables,
 * logs and {@code TMPDIR} under {@code target/}), then pastes the section's {@code sh} blocks one by one into one bash
 * — the real {@code curl}, {@code jq}, MIT {@code kinit} and {@code curl --negotiate}, {@code bin/greenshank-check} —
 * and compares every answer with the one README shows. Then: every socket the three services listen on is on loopback,
 * and stopping the script stops them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TryItStoryTest {

    static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    /** How long a question to authz-service or the API server may take to reflect a KFAM call before it counts. */
    static final Duration CONVERGE = Duration.ofSeconds(20);
    static final String START_COMMAND = "./mvnw -B -q -DskipTests package && bin/greenshank-dev";
    /** README's default ports, in the order of the script's variables. */
    static final Map<String, Integer> DEFAULT_PORTS = new LinkedHashMap<>();

    static {
        DEFAULT_PORTS.put("BRIDGE_PORT", 8443);
        DEFAULT_PORTS.put("PROFILES_PORT", 8083);
        DEFAULT_PORTS.put("KUBE_API_PORT", 6443);
        DEFAULT_PORTS.put("AUTHZ_PORT", 8081);
        DEFAULT_PORTS.put("AUTHZ_GRPC_PORT", 9191);
    }

    /** Small heaps and C1 only: three services share a 2-core machine with other builds. */
    static final String JVM_OPTIONS = "-Xms32m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
            + "-XX:CICompilerCount=1 -Xss512k";

    final Path root = ServiceProcess.root();
    final Map<String, Integer> ports = new LinkedHashMap<>();
    Path work;
    Path tmp;
    Path scriptOut;
    Process script;
    List<ProcessHandle> services = List.of();
    BashSession shell;

    @BeforeAll
    void startTheDevRun() throws Exception {
        requireTools();
        work = root.resolve("src/e2e/target/try-it");
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        tmp = Files.createDirectories(work.resolve("tmp"));
        Path logs = Files.createDirectories(work.resolve("logs"));
        scriptOut = work.resolve("greenshank-dev.out");
        for (String var : DEFAULT_PORTS.keySet()) {
            ports.put(var, FreePorts.loopback());
        }
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/greenshank-dev").toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(scriptOut.toFile());
        // Nothing of the caller's environment may change the defaults the story shows.
        Stream.of("GREENSHANK_BIND", "GREENSHANK_POLICY_DIRS", "KRB5_CONFIG", "KRB5CCNAME")
                .forEach(pb.environment()::remove);
        pb.environment().putAll(env());
        pb.environment().put("GREENSHANK_LOGS", logs.toString());
        pb.environment().put("GREENSHANK_JAVA_OPTS", JVM_OPTIONS);
        long t0 = System.nanoTime();
        script = pb.start();
        awaitScriptReady();
        services = script.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .toList();
        System.out.printf("try-it: bin/greenshank-dev ready in %d ms on %s; services %s%n",
                (System.nanoTime() - t0) / 1_000_000, ports, services.stream().map(ProcessHandle::pid).toList());
        shell = new BashSession(root, env(), List.of("KRB5_CONFIG", "KRB5CCNAME", "BRIDGE", "KFAM", "AUTHZ", "API"));
    }

    /** The ports (README's variables) and the temp dir, for the script and for the shell of the story alike. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        ports.forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.put("TMPDIR", tmp.toString());
        // The services and greenshank-check run on this test's JVM, whatever java the PATH has.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (shell != null) {
            System.out.println("try-it: the story as pasted:\n" + shell.transcript());
            shell.close();
        }
        if (script == null) {
            return;
        }
        // Whatever happened above: the script (SIGTERM stops its services), then anything of it still alive.
        List<ProcessHandle> all = new ArrayList<>(services);
        script.toHandle().descendants().forEach(all::add);
        if (script.isAlive()) {
            script.destroy();
            if (!script.waitFor(30, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        }
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                System.err.println("try-it: pid " + p.pid() + " outlived bin/greenshank-dev; killing it");
                p.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void theReadmeStartsTheProductWithTheOneCommandThisTestRan() throws Exception {
        ReadmeStory story = ReadmeStory.read(root.resolve("README.md"));
        assertThat(story.firstShell).as("the first shell's command in README's Try it").containsExactly(START_COMMAND);
        assertThat(story.steps).as("README's Try it steps").hasSizeGreaterThan(10);
        assertThat(Files.readString(scriptOut)).contains("Every listener is on 127.0.0.1 only");
    }

    @Test
    @Order(2)
    void everyStepOfTheStoryAnswersWhatTheReadmeShows() throws Exception {
        ReadmeStory story = ReadmeStory.read(root.resolve("README.md"));
        for (ReadmeStory.Step step : story.steps) {
            long t0 = System.nanoTime();
            BashSession.Result r = shell.paste(step.commands(), TryItStoryTest::typedAfter, STEP_TIMEOUT);
            if (step.shown().isPresent()) {
                String expected = withOurPorts(step.shown().get()).strip();
                Instant deadline = Instant.now().plus(CONVERGE);
                // A question (to authz-service or the API server) may be asked before the answer caught up with the
                // KFAM call before it: ask again, within bounds. Calls that change something are never repeated.
                while (!r.output().strip().equals(expected) && isQuestion(step.commands())
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(250);
                    r = shell.paste(step.commands(), TryItStoryTest::typedAfter, STEP_TIMEOUT);
                }
                assertThat(r.output().strip()).as("%s of README's Try it: the answer README shows%s", step.title(),
                        logHint()).isEqualTo(expected);
            }
            assertThat(r.exitStatus()).as("%s: exit status of its last command (0, or 3 for a denying "
                    + "greenshank-check); output:%n%s", step.title(), r.output())
                    .isIn(0, step.commands().contains("greenshank-check") ? 3 : 0);
            System.out.printf("try-it: %s in %d ms%n", step.title(), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    @Order(3)
    void everyServiceListensOnLoopbackOnly() throws Exception {
        Map<Integer, String> listening = listeningSockets(services);
        System.out.println("try-it: the services listen on " + listening);
        assertThat(listening.keySet()).as("the ports the story used are among the services' listeners")
                .containsAll(ports.values());
        assertThat(listening.size()).as("HTTP(S) and gRPC ports, the KDC, the API server, the demo directory: %s",
                listening).isGreaterThanOrEqualTo(7);
        listening.forEach((port, address) -> assertThat(isLoopback(address))
                .as("port %d listens on %s, not on loopback (all listeners: %s)", port, address, listening).isTrue());
    }

    @Test
    @Order(4)
    void stoppingTheScriptStopsEveryService() throws Exception {
        assertThat(services).as("the three service JVMs the script started").hasSize(3);
        script.destroy(); // SIGTERM, as Ctrl-C's sibling
        assertThat(script.waitFor(45, TimeUnit.SECONDS)).as("bin/greenshank-dev exits on SIGTERM").isTrue();
        for (ProcessHandle p : services) {
            assertThat(p.onExit().completeOnTimeout(p, 5, TimeUnit.SECONDS).get().isAlive())
                    .as("service pid %d stopped with the script", p.pid()).isFalse();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** {@code kinit <user>} prompts for the demo user's password, which README documents as {@code <user>-password}. */
    static String typedAfter(String line) {
        Matcher m = Pattern.compile("^\\s*kinit\\s+([a-z]+)\\b").matcher(line);
        return m.find() ? m.group(1) + "-password" : null;
    }

    static boolean isQuestion(String commands) {
        return commands.contains("/ext-authz/") || commands.contains("greenshank-check")
                || commands.contains("\"$API/");
    }

    /** README shows the default ports; this run uses free ones. */
    String withOurPorts(String shown) {
        String s = shown;
        for (Map.Entry<String, Integer> e : DEFAULT_PORTS.entrySet()) {
            s = s.replace(":" + e.getValue(), ":" + ports.get(e.getKey()));
        }
        return s;
    }

    String logHint() {
        return " (service logs in " + work.resolve("logs") + ")";
    }

    void awaitScriptReady() throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String out = Files.exists(scriptOut) ? Files.readString(scriptOut) : "";
            if (out.contains("Ctrl-C stops them all.")) {
                return;
            }
            if (!script.isAlive()) {
                fail("bin/greenshank-dev exited with " + script.exitValue() + ":\n" + out);
            }
            Thread.sleep(250);
        }
        fail("bin/greenshank-dev not ready after " + START_TIMEOUT + ":\n" + Files.readString(scriptOut));
    }

    /** Fails (never skips) when a tool the story uses is missing, saying what to install. */
    static void requireTools() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String[] tool : List.of(new String[] {"bash", "bash"}, new String[] {"curl", "curl"},
                new String[] {"jq", "jq"}, new String[] {"kinit", "krb5-user (MIT Kerberos client tools)"})) {
            if (onPath(tool[0]) == null) {
                missing.add(tool[0] + " (Debian package " + tool[1] + ")");
            }
        }
        if (onPath("curl") != null) {
            Process p = new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            if (!v.contains("GSS-API") && !v.contains("SPNEGO")) {
                missing.add("a curl with GSS-API/SPNEGO for --negotiate (Debian's curl has it; this one says: "
                        + v.lines().filter(l -> l.startsWith("Features")).findFirst().orElse(v) + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("README's Try it needs tools that are not installed: " + String.join(", ", missing)
                    + ". Install them (e.g. apt-get install -y curl jq krb5-user) and run again.");
        }
    }

    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Port → local address of every TCP socket the given processes listen on (from /proc). */
    static Map<Integer, String> listeningSockets(List<ProcessHandle> processes) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (ProcessHandle p : processes) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException gone) {
                        // closed meanwhile
                    }
                }
            }
        }
        Map<Integer, String> out = new TreeMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> rows = Files.readAllLines(Path.of(table));
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    out.put(Integer.parseInt(local[1], 16), address(local[0]));
                }
            }
        }
        return out;
    }

    /** /proc/net/tcp{,6} addresses are 32-bit words in host (little-endian) order. */
    static String address(String hex) throws IOException {
        byte[] b = new byte[hex.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(b).getHostAddress().toLowerCase(Locale.ROOT);
    }

    static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("0:0:0:0:0:0:0:1") || address.equals("::1")
                || address.startsWith("0:0:0:0:0:ffff:7f") || address.startsWith("::ffff:127.");
    }
}
