package io.greenshank.kubectl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The user's terminal, for the password fallback. kubectl captures the plugin's stdout, so the prompt goes through
 * {@code /dev/tty}, with echo turned off by {@code stty} while the password is typed.
 */
public final class Terminal {
    private static final Path TTY = Path.of("/dev/tty");

    private Terminal() {
    }

    /** Whether there is a controlling terminal to prompt on. */
    public static boolean available() {
        if (!Files.isReadable(TTY) || !Files.isWritable(TTY)) {
            return false;
        }
        try (var ignored = Files.newInputStream(TTY)) {
            return true;
        } catch (IOException noControllingTerminal) {
            return false;
        }
    }

    /** Prompts for a username (with a default) and a password; empty when the terminal cannot be used. */
    public static Optional<Credentials> promptLogin(String defaultUser) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(TTY),
                StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(TTY, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.WRITE)) {
            out.write("Greenshank login" + (defaultUser.isEmpty() ? "" : " [" + defaultUser + "]") + ": ");
            out.flush();
            String user = in.readLine();
            if (user == null) {
                return Optional.empty();
            }
            user = user.isBlank() ? defaultUser : user.trim();
            // Echo goes off before the prompt appears, so nothing typed after the prompt is echoed.
            boolean echoOff = stty("-echo");
            out.write("Password for " + user + ": ");
            out.flush();
            String password;
            try {
                password = in.readLine();
            } finally {
                if (echoOff) {
                    stty("echo");
                }
                out.write("\n");
                out.flush();
            }
            if (password == null || user.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Credentials(user, password.toCharArray()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean stty(String mode) {
        try {
            Process p = new ProcessBuilder("stty", mode).redirectInput(TTY.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A typed login. */
    public record Credentials(String username, char[] password) {
    }
}
