package io.greenshank.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service JVM holds, read from outside it so the packaged jar needs no extra flag or endpoint.
 *
 * <p>Old generation after GC: {@code jcmd <pid> GC.run} then {@code GC.heap_info}, in one jcmd call. The services
 * run the serial collector ({@link ServiceProcess}), whose {@code System.gc()} is a full, compacting collection that
 * empties the young generation, so the tenured generation's "used" right after it is the live data the JVM retains.
 * The attach mechanism jcmd uses works on any HotSpot JVM of the same user; the alternative, the JMX MemoryPool's
 * collection usage, would need a JMX port on the packaged jars and is only updated when a full GC happens anyway.
 * Threads and RSS come from {@code /proc/<pid>/status}, descriptors from {@code /proc/<pid>/fd}, and established
 * TCP connections by matching the process's socket inodes against {@code /proc/<pid>/net/tcp} and {@code tcp6}
 * (the network namespace's tables, which list every socket, not only this process's).
 */
final class ProcessSampler {

    private static final Pattern TENURED = Pattern.compile("tenured generation\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");
    private static final String TCP_ESTABLISHED = "01";

    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private final Path commands;

    ProcessSampler(Path work) throws IOException {
        commands = work.resolve("soak-jcmd-commands");
        Files.writeString(commands, "GC.run\nGC.heap_info\n");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException(jcmd + " is missing: the soak reads heaps with the JDK's jcmd (install a"
                    + " full JDK, e.g. Debian's openjdk-17-jdk-headless, not only the JRE)");
        }
    }

    /** One reading of one service; memory figures in KiB. */
    record Sample(String service, long atMillis, long oldGenAfterGcKb, long oldGenCapacityKb, long metaspaceKb,
                  int threads, int fds, int established, long rssKb) {
    }

    Sample sample(String service, long pid, long atMillis) throws IOException, InterruptedException {
        String heap = jcmd(pid);
        Matcher tenured = TENURED.matcher(heap);
        Matcher meta = METASPACE.matcher(heap);
        if (!tenured.find() || !meta.find()) {
            throw new IllegalStateException(service + ": jcmd GC.heap_info gave no tenured generation (is the service"
                    + " still on -XX:+UseSerialGC?):\n" + heap);
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        String status = Files.readString(proc.resolve("status"), StandardCharsets.UTF_8);
        Set<String> sockets = new HashSet<>();
        int fds = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : dir) {
                fds++;
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        sockets.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between the listing and the read is simply not counted as a socket
                }
            }
        }
        int established = established(proc.resolve("net/tcp"), sockets) + established(proc.resolve("net/tcp6"), sockets);
        return new Sample(service, atMillis, Long.parseLong(tenured.group(2)), Long.parseLong(tenured.group(1)),
                Long.parseLong(meta.group(1)), (int) statusField(status, "Threads"), fds, established,
                statusField(status, "VmRSS"));
    }

    /**
     * Live objects per class ({@code GC.class_histogram}, itself after a full GC): taken after the warm-up and at the
     * end, their difference names what grew, which is where a leak hunt starts.
     */
    Map<String, ClassCount> classHistogram(long pid) throws IOException, InterruptedException {
        Map<String, ClassCount> classes = new HashMap<>();
        for (String line : run(pid, "GC.class_histogram").split("\n")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.matches()) {
                classes.put(m.group(3), new ClassCount(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return classes;
    }

    record ClassCount(long instances, long bytes) {
    }

    private String jcmd(long pid) throws IOException, InterruptedException {
        return run(pid, "-f", commands.toString());
    }

    private String run(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " failed: " + out);
        }
        return out;
    }

    /** Rows of /proc/net/tcp: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...". */
    private static int established(Path table, Set<String> inodes) throws IOException {
        if (!Files.exists(table)) {
            return 0;
        }
        List<String> rows = Files.readAllLines(table, StandardCharsets.US_ASCII);
        int n = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.trim().split("\\s+");
            if (f.length > 9 && TCP_ESTABLISHED.equals(f[3]) && inodes.contains(f[9])) {
                n++;
            }
        }
        return n;
    }

    private static long statusField(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("/proc status has no " + name);
    }
}
