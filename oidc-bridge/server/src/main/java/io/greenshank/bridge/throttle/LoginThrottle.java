package io.greenshank.bridge.throttle;

import io.greenshank.bridge.session.SessionKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exponential backoff on failed logins, per user and per client address. A blocked attempt is refused before
 * it reaches the directory. Delays are capped and failures forgotten after a while, so nobody is locked out
 * indefinitely; the directory's own lockout policy (if any) still applies on top.
 *
 * <p>Counters live in this replica's memory only: writing them to a shared store would turn every failed login into
 * a write an attacker controls. The table is bounded by {@link ThrottleConfig#maxTracked()} entries of bounded size,
 * so an attacker cycling user names or addresses costs memory up to that bound and no further.
 */
public final class LoginThrottle {

    private record Failures(int count, Instant last) {
    }

    /** Longer user names are kept as a hash: an attacker's 10,000-character names must not cost 10 KB each. */
    private static final int MAX_KEPT_NAME = 64;

    private final ThrottleConfig cfg;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final AtomicBoolean trimming = new AtomicBoolean();

    public LoginThrottle(ThrottleConfig cfg, Clock clock) {
        if (cfg.maxTracked() < 1) {
            throw new IllegalArgumentException(
                    "greenshank.bridge.throttle.max-tracked must be at least 1, not " + cfg.maxTracked());
        }
        this.cfg = cfg;
        this.clock = clock;
    }

    /** How long the caller must still wait, if at all. */
    public Optional<Duration> blockedFor(String user, String address) {
        Instant now = clock.instant();
        Duration wait = max(remaining(userKey(user), cfg.freeFailuresPerUser(), cfg.maxDelayPerUser(), now),
                remaining(addressKey(address), cfg.freeFailuresPerAddress(), cfg.maxDelayPerAddress(), now));
        return wait.isZero() || wait.isNegative() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String user, String address) {
        Instant now = clock.instant();
        for (String k : new String[] {userKey(user), addressKey(address)}) {
            failures.compute(k, (key, f) -> f == null || forgotten(f, now)
                    ? new Failures(1, now) : new Failures(f.count() + 1, now));
        }
        if (failures.size() > cfg.maxTracked() && trimming.compareAndSet(false, true)) {
            try {
                trim(now);
            } finally {
                trimming.set(false);
            }
        }
    }

    /** How many users and addresses are tracked now. */
    int tracked() {
        return failures.size();
    }

    /**
     * Forgets expired failures; if the table is still full (failures from more users or addresses than it holds,
     * within {@code forget-after}), forgets the least recently failed ones down to 90% of the bound, so trimming runs
     * once per tenth of the table, not per failure. Their backoff starts afresh: an attacker must spend a tenth of
     * the table in fresh failures to reset one user, and a user under sustained attack fails recently, so stays.
     */
    private void trim(Instant now) {
        failures.entrySet().removeIf(e -> forgotten(e.getValue(), now));
        int excess = failures.size() - cfg.maxTracked() / 10 * 9;
        if (excess > 0) {
            failures.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue()))
                    .sorted(Map.Entry.comparingByValue(Comparator.comparing(Failures::last)))
                    .limit(excess).toList()
                    .forEach(e -> failures.remove(e.getKey(), e.getValue())); // not if it failed again meanwhile
        }
    }

    private boolean forgotten(Failures f, Instant now) {
        return f.last().plus(cfg.forgetAfter()).isBefore(now);
    }

    /** A successful login clears the user's failures (not the address's: one success must not reset a spray). */
    public void succeeded(String user) {
        failures.remove(userKey(user));
    }

    private Duration remaining(String key, int free, Duration cap, Instant now) {
        Failures f = failures.get(key);
        if (f == null || f.count() < free || forgotten(f, now)) {
            return Duration.ZERO;
        }
        int exp = Math.min(30, f.count() - free);
        Duration delay = cfg.initialDelay().multipliedBy(1L << exp);
        if (delay.compareTo(cap) > 0) {
            delay = cap;
        }
        return Duration.between(now, f.last().plus(delay));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static String userKey(String user) {
        String name = user == null ? "" : user.trim().toLowerCase(Locale.ROOT);
        return name.length() <= MAX_KEPT_NAME ? "u:" + name : "h:" + SessionKeys.sha256Hex(name);
    }

    static String addressKey(String address) {
        return "a:" + (address.length() <= MAX_KEPT_NAME ? address : SessionKeys.sha256Hex(address));
    }
}
