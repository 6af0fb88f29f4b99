package io.greenshank.authz.jwt;

import io.greenshank.identity.Identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identities of tokens verified recently, keyed by the token's SHA-256. An entry lives no longer than the token
 * ({@code exp}) nor than {@code maxTtl}, so a revoked signing key stops being honoured within {@code maxTtl}.
 * Bounded: when full, expired entries are swept, then arbitrary ones dropped, so memory stays flat under a flood.
 */
public final class VerifiedTokenCache {

    private record Entry(Identity identity, long expiresAtMillis) {
    }

    private final Map<TokenKey, Entry> entries = new ConcurrentHashMap<>();
    private final long maxEntries;
    private final long maxTtlMillis;
    private final Clock clock;

    public VerifiedTokenCache(long maxEntries, Duration maxTtl, Clock clock) {
        this.maxEntries = Math.max(1, maxEntries);
        this.maxTtlMillis = maxTtl.toMillis();
        this.clock = clock;
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
