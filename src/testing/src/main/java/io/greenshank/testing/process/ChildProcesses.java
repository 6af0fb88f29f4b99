package io.greenshank.testing.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What tests do with the peers they run as child processes: run a tool, wait for a server's port, stop it by PID. */
public final class ChildProcesses {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    private ChildProcesses() {
    }

    /**
     * Runs a command line tool to completion with {@code extraEnv} added to this JVM's environment and {@code stdin}
     * (or nothing) as its input; returns its output (stdout and stderr), or fails with that output when it exits
     * non-zero or runs longer than a minute.
     */
    public static String run(List<String> command, Map<String, String> extraEnv, String stdin)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + TOOL_TIMEOUT + ": " + output);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /**
     * Waits until {@code server} accepts connections on {@code 127.0.0.1:port}; fails with its log when it exits
     * first, and stops it when the deadline passes.
     */
    public static void awaitPort(Process server, String name, int port, Duration timeout, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException(name + " exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        stop(server);
        throw new IOException(name + " did not listen on " + port + " within " + timeout);
    }

    /** Stops a child by PID: SIGTERM, then SIGKILL when it has not exited within ten seconds. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
