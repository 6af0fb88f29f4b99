package io.greenshank.bridge.login;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Makes every refused password login take at least as long as a typical wrong password for an active account, so
 * that the time to a refusal does not say whether an account exists or is locked or disabled.
 *
 * <p>The directory already does the same work for every refusal (a search, then one bind: see
 * {@code LdapDirectory#authenticate}); what remains is the directory's own difference between a bind that finds
 * the account and one that does not (Active Directory updates {@code badPwdCount} on a real account's failed bind).
 * This floor covers that residue: the 75th percentile of the last {@value #SAMPLES} wrong-password refusals, which an
 * attacker cannot lower (their own wrong passwords are such refusals), capped at {@link #MAX_FLOOR} so that a slow
 * directory cannot hold worker threads for long. Above the median on purpose: padded to it, three quarters of the
 * wrong-password refusals take exactly the floor, as every other refusal does, so the medians coincide instead of
 * meeting only at the edge. Before the first sample there is no floor.
 */
public final class RefusalPacing {

    static final int SAMPLES = 32;
    static final Duration MAX_FLOOR = Duration.ofSeconds(2);

    private final long[] samples = new long[SAMPLES];
    private final LongSupplier nanoTime;
    private int next;
    private int count;
    private long floorNanos;

    public RefusalPacing(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public long now() {
        return nanoTime.getAsLong();
    }

    /** A wrong password for an active account was refused {@code startedAt} (from {@link #now()}) ago. */
    public synchronized void observeWrongPassword(long startedAt) {
        samples[next] = nanoTime.getAsLong() - startedAt;
        next = (next + 1) % SAMPLES;
        count = Math.min(SAMPLES, count + 1);
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        floorNanos = Math.min(sorted[(count * 3) / 4], MAX_FLOOR.toNanos());
    }

    /** The current floor. */
    public synchronized Duration floor() {
        return Duration.ofNanos(floorNanos);
    }

    /** Waits until the refusal that began {@code startedAt} has taken at least the floor. */
    public void pad(long startedAt) {
        long until = startedAt + floor().toNanos();
        long left;
        while ((left = until - nanoTime.getAsLong()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
