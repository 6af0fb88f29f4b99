package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A store in this process's memory: one machine; sessions end when it restarts. */
public final class MemorySessionStore<V> implements SessionStore<V> {

    private record Entry<V>(V value, long version) {
    }

    private final SessionKind<V> kind;
    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();

    public MemorySessionStore(SessionKind<V> kind) {
        this.kind = kind;
    }

    @Override
    public Optional<Stored<V>> get(String key) {
        Entry<V> e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(stored(key, e));
    }

    @Override
    public boolean create(String key, V value) {
        return entries.putIfAbsent(key, new Entry<>(value, versions.incrementAndGet())) == null;
    }

    @Override
    public boolean replace(String key, V value, String version) {
        boolean[] replaced = new boolean[1];
        entries.computeIfPresent(key, (k, e) -> {
            if (!Long.toString(e.version()).equals(version)) {
                return e;
            }
            replaced[0] = true;
            return new Entry<>(value, versions.incrementAndGet());
        });
        return replaced[0];
    }

    @Override
    public boolean delete(String key) {
        return entries.remove(key) != null;
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) {
        return entries.entrySet().stream()
                .filter(e -> kind.index(e.getValue().value()).entrySet().containsAll(criteria.entrySet()))
                .map(e -> stored(e.getKey(), e.getValue())).toList();
    }

    @Override
    public int sweep(Instant now) {
        int[] removed = {0};
        entries.values().removeIf(e -> {
            boolean expired = !kind.expiresAt(e.value()).isAfter(now);
            removed[0] += expired ? 1 : 0;
            return expired;
        });
        return removed[0];
    }

    private static <V> Stored<V> stored(String key, Entry<V> e) {
        return new Stored<>(key, e.value(), Long.toString(e.version()));
    }
}
