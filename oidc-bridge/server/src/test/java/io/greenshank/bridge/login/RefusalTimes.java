package io.greenshank.bridge.login;

import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.LoginFailedException;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.throttle.ThrottleConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures how long refused logins take, per kind of account, interleaving the kinds round by round so that drift
 * in the machine's load affects all of them alike. For the no-account-oracle tests on slapd and Samba AD.
 */
public final class RefusalTimes {

    /** One kind of refused login. */
    public record Attempt(String label, String login, String password) {
    }

    /** A login attempt that must be refused: returns normally when it was, throws when it was not. */
    @FunctionalInterface
    public interface Refusal {
        void attempt(String login, String password, String clientAddress) throws Exception;
    }

    private RefusalTimes() {
    }

    /** Through {@link PasswordLogin}: refused means {@link PasswordLogin.Refused} without a throttle wait. */
    public static Refusal of(PasswordLogin login) {
        return (user, password, address) -> {
            try {
                login.login(user, password, address);
            } catch (PasswordLogin.Refused e) {
                if (e.retryAfter().isPresent()) {
                    throw new AssertionError("throttled during the measurement: " + user);
                }
                return;
            }
            throw new AssertionError("login of " + user + " was not refused");
        };
    }

    /** The median time to a refusal of each attempt, after {@code warmup} unmeasured rounds. */
    public static Map<String, Duration> medians(Refusal refusal, List<Attempt> attempts, int warmup, int rounds)
            throws Exception {
        Map<String, long[]> times = new LinkedHashMap<>();
        attempts.forEach(a -> times.put(a.label(), new long[rounds]));
        for (int round = -warmup; round < rounds; round++) {
            for (int i = 0; i < attempts.size(); i++) {
                // Rotate the order every round: no kind always follows the same other kind.
                Attempt a = attempts.get(Math.floorMod(i + round, attempts.size()));
                long t0 = System.nanoTime();
                refusal.attempt(a.login(), a.password(), "198.51.100." + (1 + Math.floorMod(round, 200)));
                long took = System.nanoTime() - t0;
                if (round >= 0) {
                    times.get(a.label())[round] = took;
                }
            }
        }
        Map<String, Duration> out = new LinkedHashMap<>();
        times.forEach((label, t) -> {
            long[] sorted = t.clone();
            Arrays.sort(sorted);
            out.put(label, Duration.ofNanos(sorted[sorted.length / 2]));
        });
        return out;
    }

    /** The largest median divided by the smallest. */
    public static double spread(Map<String, Duration> medians) {
        List<Long> n = new ArrayList<>(medians.values().stream().map(Duration::toNanos).toList());
        return (double) n.stream().mapToLong(Long::longValue).max().orElseThrow()
                / Math.max(1, n.stream().mapToLong(Long::longValue).min().orElseThrow());
    }

    public static String format(Map<String, Duration> medians) {
        StringBuilder b = new StringBuilder();
        medians.forEach((label, d) -> b.append(String.format("%s %.2f ms; ", label, d.toNanos() / 1e6)));
        return b.append(String.format("max/min %.2f", spread(medians))).toString();
    }

    /** Through the directory alone: refused means {@link LoginFailedException}. */
    public static Refusal of(Directory directory) {
        return (user, password, address) -> {
            try {
                directory.authenticate(user, password);
            } catch (LoginFailedException e) {
                return;
            }
            throw new AssertionError("login of " + user + " was not refused");
        };
    }

    /**
     * Measures {@code attempts} against {@code directory} alone and through a {@link PasswordLogin} with an unlimited
     * throttle, prints both and writes them to {@code target/benchmarks/refusal-times-<peer>.txt}.
     *
     * @return the medians through {@link PasswordLogin}, what users meet
     */
    public static Map<String, Duration> measure(String peer, Directory directory, List<Attempt> attempts, int warmup,
                                                int rounds) throws Exception {
        Map<String, Duration> raw = medians(of(directory), attempts, warmup, rounds);
        PasswordLogin login = new PasswordLogin(directory, new LoginThrottle(ThrottleConfigs.of(1_000_000, 1_000_000),
                Clock.systemUTC()), new SimpleMeterRegistry(), Clock.systemUTC());
        Map<String, Duration> paced = medians(of(login), attempts, warmup, rounds);
        String report = peer + ", directory only (decoy bind): " + format(raw) + "\n" + peer
                + ", PasswordLogin (decoy bind + floor): " + format(paced) + "\n";
        System.out.print(report);
        Path out = Path.of("target/benchmarks/refusal-times-" + peer.toLowerCase(java.util.Locale.ROOT)
                .replace(' ', '-') + ".txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        return paced;
    }
}
