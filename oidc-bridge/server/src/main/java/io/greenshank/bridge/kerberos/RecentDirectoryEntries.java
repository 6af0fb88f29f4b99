package io.greenshank.bridge.kerberos;

import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Directory entries of users who logged in with Kerberos shortly before, so a user whose kubectl runs several times a
 * minute costs one directory read, not one per run. The KDC has already authenticated the user; the entry only
 * supplies email, groups and account status, which a Kerberos ticket itself keeps for hours. Only found, active-or-not
 * entries are kept (an unknown login is asked again every time, so a user created a moment ago can log in at once), and
 * a directory failure is never cached.
 */
final class RecentDirectoryEntries {

    /** The directory lookup this cache stands in front of. */
    interface Lookup {
        Optional<DirectoryUser> find(String login) throws DirectoryUnavailableException;
    }

    private record Entry(DirectoryUser user, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    RecentDirectoryEntries(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    Optional<DirectoryUser> find(String login, Lookup directory) throws DirectoryUnavailableException {
        if (ttlNanos <= 0) {
            return directory.find(login);
        }
        long now = nanoTime.getAsLong();
        Entry e = entries.get(login);
        if (e != null && now - e.expiresAtNanos() < 0) {
            return Optional.of(e.user());
        }
        Optional<DirectoryUser> found = directory.find(login);
        if (found.isPresent()) {
            if (entries.size() >= maxEntries) {
                // Bounded by the number of distinct Kerberos users in one TTL; starting over is cheaper than an LRU.
                entries.clear();
            }
            entries.put(login, new Entry(found.get(), now + ttlNanos));
        } else {
            entries.remove(login);
        }
        return found;
    }
}
