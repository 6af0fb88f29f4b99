package io.greenshank.kubectl.testing;

import io.greenshank.kubectl.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Lays the plugin out as a user installs it, {@code kubectl-greenshank} next to {@code greenshank-kubectl-plugin.jar}
 * in one directory, from the build's classes (a jar when the reactor has packaged one, else target/classes), and
 * runs it as a separate process the way kubectl does.
 */
public record PluginInstall(Path binDir) {
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    public static PluginInstall into(Path binDir) throws IOException {
        Files.createDirectories(binDir);
        Path jar = binDir.resolve("greenshank-kubectl-plugin.jar");
        Path built;
        try {
            built = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isRegularFile(built)) {
            Files.copy(built, jar);
        } else {
            writeJar(built, jar);
        }
        Path launcher = binDir.resolve("kubectl-greenshank");
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/greenshank/kubectl-greenshank")) {
            if (in == null) {
                throw new IOException("launcher script not on the classpath");
            }
            Files.copy(in, launcher);
        }
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new PluginInstall(binDir);
    }

    public Path launcher() {
        return binDir.resolve("kubectl-greenshank");
    }

    /** Runs the launcher with exactly {@code env} (plus PATH and JAVA_HOME) and no terminal. */
    public Result run(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Class-data sharing is tested on its own; elsewhere a background archive dump per cache dir only adds load.
        pb.environment().put("GREENSHANK_CDS", "off");
        String javaOpts = System.getProperty("greenshank.plugin.java-opts");
        if (javaOpts != null) {
            pb.environment().put("GREENSHANK_JAVA_OPTS", javaOpts.replace("{n}", String.valueOf(RUNS.incrementAndGet())));
        }
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = newSession(pb).start();
        p.getOutputStream().close();
        var stdout = p.getInputStream();
        var stderr = p.getErrorStream();
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        new Thread(() -> out.complete(readAll(stdout))).start();
        new Thread(() -> err.complete(readAll(stderr))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("plugin did not finish in 60 s");
        }
        long micros = (System.nanoTime() - start) / 1000;
        return new Result(p.exitValue(), out.join(), err.join(), micros);
    }

    /**
     * Runs the launcher on a real pseudo-terminal ({@code script(1)}), answering each prompt when it appears — the
     * way a person types — so a password is typed only after the plugin has turned echo off. Returns everything the
     * terminal showed; fails when the process does not exit 0.
     */
    public String runOnTerminal(List<String> args, Map<String, String> env, List<String[]> promptsAndAnswers)
            throws IOException, InterruptedException {
        StringBuilder command = new StringBuilder("GREENSHANK_CDS=off ");
        env.forEach((k, v) -> command.append(k).append("='").append(v).append("' "));
        command.append("JAVA_HOME='").append(System.getProperty("java.home")).append("' ");
        command.append(launcher());
        for (String a : args) {
            command.append(" '").append(a).append("'");
        }
        Process p = new ProcessBuilder("script", "-qefc", command.toString(), "/dev/null")
                .redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        InputStream in = p.getInputStream();
        for (String[] pa : promptsAndAnswers) {
            readUntil(in, seen, pa[0]);
            p.getOutputStream().write((pa[1] + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
        }
        seen.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("plugin on a terminal failed: " + seen);
        }
        return seen.toString();
    }

    private static void readUntil(InputStream in, StringBuilder seen, String marker) throws IOException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0 || System.nanoTime() > deadline) {
                throw new IOException("no prompt \"" + marker + "\" in: " + seen);
            }
            seen.append((char) b);
        }
    }

    /** Detaches from any controlling terminal, as kubectl's child is when no terminal is passed through. */
    private static ProcessBuilder newSession(ProcessBuilder pb) {
        List<String> command = new ArrayList<>(List.of("setsid", "-w"));
        command.addAll(pb.command());
        return pb.command(command);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** One plugin run. */
    public record Result(int exitCode, String stdout, String stderr, long micros) {
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jos.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jos);
                jos.closeEntry();
            }
        }
    }
}
