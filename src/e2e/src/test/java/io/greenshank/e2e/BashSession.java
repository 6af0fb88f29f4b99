package io.greenshank.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One interactive bash, as in a terminal where a person pastes blocks: variables and functions of one block stay for
 * the next. Commands go to its standard input line by line (bash reads a pipe one byte at a time, so a command that
 * reads standard input, such as {@code kinit}'s password prompt, gets the line written after it); standard output and
 * error come back merged, up to a marker printed after each block.
 */
final class BashSession implements AutoCloseable {

    record Result(String output, int exitStatus) {
    }

    private static final String EOF = "\u0000eof";

    private final Process bash;
    private final OutputStream in;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder transcript = new StringBuilder();
    private int blocks;

    BashSession(Path dir, Map<String, String> env, Iterable<String> unset) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(dir.toFile())
                .redirectErrorStream(true);
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        bash = pb.start();
        in = bash.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading bash's output failed: " + e + ")");
            } finally {
                lines.add(EOF);
            }
        }, "bash-session-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Pastes {@code block}; after a line for which {@code input} answers something, that text is typed too (a
     * password at a prompt). Returns what the block printed and the status of its last command.
     */
    Result paste(String block, Function<String, String> input, Duration timeout) throws Exception {
        int n = ++blocks;
        String marker = "@@@ block " + n + " done, status ";
        transcript.append("$ ").append(block.strip().replace("\n", "\n> ")).append('\n');
        for (String line : block.split("\n", -1)) {
            write(line + "\n");
            String typed = input.apply(line);
            if (typed != null) {
                write(typed + "\n");
            }
        }
        write("printf '\\n%s%d@@@\\n' '" + marker + "' $?\n");
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new IllegalStateException("block " + n + " did not finish within " + timeout + "; so far:\n"
                        + out);
            }
            if (line.equals(EOF)) {
                throw new IllegalStateException("bash exited during block " + n + "; output:\n" + out);
            }
            if (line.startsWith(marker)) {
                int status = Integer.parseInt(line.substring(marker.length(), line.length() - 3));
                // printf's leading newline ends a last line that had none; it is not part of the answer
                String text = out.toString().replace("\r", "");
                text = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
                transcript.append(text).append('\n');
                return new Result(text, status);
            }
            out.append(line).append('\n');
        }
    }

    private void write(String s) throws IOException {
        in.write(s.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Everything pasted and printed so far, as a terminal would show it. */
    String transcript() {
        return transcript.toString();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            write("exit\n");
            in.close();
        } catch (IOException e) {
            // already gone
        }
        if (!bash.waitFor(5, TimeUnit.SECONDS)) {
            bash.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
