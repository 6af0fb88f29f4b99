package io.greenshank.authz.jwt;

import io.greenshank.identity.Identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identities of tokens verified recently, keyed by the token's SHA-256. An entry lives no longer than the token
 * ({@code exp}) nor than {@code maxTtl}, so a revoked signing key stops being honoured within {@code maxTtl}.
 * Bounded: when full, expired entries are swept, then arbitrary ones dropped, so memory stays flat under a flood.
 * Expired entries are also swept once per {@code maxTtl} as tokens are added: most tokens are never presented again
 * after they expire, and without that sweep they stayed until the cache was full, so memory grew with every new token
 * for as long as it took to reach {@code maxEntries} (found by src/e2e's SoakTest: hours at a steady login rate).
 */
public final class VerifiedTokenCache {

    private record Entry(Identity identity, long expiresAtMillis) {
    }

    private final Map<TokenKey, Entry> entries = new ConcurrentHashMap<>();
    private final long maxEntries;
    private final long maxTtlMillis;
    private final Clock clock;
    private final long sweepEveryMillis;
    private final AtomicLong nextSweepMillis;

    public VerifiedTokenCache(long maxEntries, Duration maxTtl, Clock clock) {
        this.maxEntries = Math.max(1, maxEntries);
        this.maxTtlMillis = maxTtl.toMillis();
        this.clock = clock;
        this.sweepEveryMillis = Math.max(0, maxTtlMillis / 8);
        this.nextSweepMillis = new AtomicLong(clock.millis() + sweepEveryMillis);
    }

    /** The cached identity, or null. */
    public Identity get(String token) {
        if (maxTtlMillis <= 0) {
            return null;
        }
        TokenKey key = TokenKey.of(token);
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (clock.millis() >= e.expiresAtMillis) {
            entries.remove(key, e);
            return null;
        }
        return e.identity;
    }

    public void put(String token, Identity identity) {
        if (maxTtlMillis <= 0) {
            return;
        }
        long now = clock.millis();
        long until = now + maxTtlMillis;
        if (identity.expiresAt().isPresent()) {
            until = Math.min(until, identity.expiresAt().get().toEpochMilli());
        }
        if (until <= now) {
            return;
        }
        sweepExpiredWhenDue(now);
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        entries.put(TokenKey.of(token), new Entry(identity, until));
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }

    /**
     * Every entry lives at most {@code maxTtl}, so sweeping every eighth of it holds at most 1⅛ {@code maxTtl}s' worth
     * of new tokens: memory stays flat at a steady login rate instead of swinging twofold; one caller sweeps, the
     * others go on. A sweep is one pass over at most {@code maxEntries}, a few times a minute at the defaults.
     */
    private void sweepExpiredWhenDue(long now) {
        long due = nextSweepMillis.get();
        if (now >= due && nextSweepMillis.compareAndSet(due, now + sweepEveryMillis)) {
            entries.values().removeIf(e -> now >= e.expiresAtMillis);
        }
    }

    private synchronized void makeRoom(long now) {
        if (entries.size() < maxEntries) {
            return;
        }
        entries.values().removeIf(e -> now >= e.expiresAtMillis);
        long target = maxEntries * 9 / 10;
        Iterator<TokenKey> it = entries.keySet().iterator();
        while (entries.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

}
