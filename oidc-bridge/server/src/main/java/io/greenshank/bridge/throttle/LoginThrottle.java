package io.greenshank.bridge.throttle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential backoff on failed logins, per user and per client address. A blocked attempt is refused before
 * it reaches the directory. Delays are capped and failures forgotten after a while, so nobody is locked out
 * indefinitely; the directory's own lockout policy (if any) still applies on top.
 */
public final class LoginThrottle {

    private record Failures(int count, Instant last) {
    }

    private static final int MAX_TRACKED = 100_000;

    private final ThrottleConfig cfg;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(ThrottleConfig cfg, Clock clock) {
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
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> e.getValue().last().plus(cfg.forgetAfter()).isBefore(now));
        }
        for (String k : new String[] {userKey(user), addressKey(address)}) {
            failures.compute(k, (key, f) -> f == null || f.last().plus(cfg.forgetAfter()).isBefore(now)
                    ? new Failures(1, now) : new Failures(f.count() + 1, now));
        }
    }

    /** A successful login clears the user's failures (not the address's: one success must not reset a spray). */
    public void succeeded(String user) {
        failures.remove(userKey(user));
    }

    private Duration remaining(String key, int free, Duration cap, Instant now) {
        Failures f = failures.get(key);
        if (f == null || f.count() < free || f.last().plus(cfg.forgetAfter()).isBefore(now)) {
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

    private static String userKey(String user) {
        return "u:" + (user == null ? "" : user.trim().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "a:" + address;
    }
}
