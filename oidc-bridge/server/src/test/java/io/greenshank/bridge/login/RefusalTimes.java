package io.greenshank.bridge.login;

import io.greenshank.bridge.throttle.ThrottleConfig;
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

    /** A throttle that lets {@code freePerUser} failures through per user and many per address. */
    public static ThrottleConfig throttle(int freePerUser) {
        return new ThrottleConfig() {
            @Override
            public int freeFailuresPerUser() {
                return freePerUser;
            }

            @Override
            public int freeFailuresPerAddress() {
                return 1_000_000;
            }

            @Override
            public Duration initialDelay() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration maxDelayPerUser() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration maxDelayPerAddress() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration forgetAfter() {
                return Duration.ofMinutes(15);
            }

            @Override
            public int maxTracked() {
                return 100_000;
            }
        };
    }
}
