package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store in this process's memory: one machine; sessions end when it restarts. Lookups by index attribute (a user's
 * families, at every login and logout) go through a secondary index, not a scan of every session the process holds.
 */
public final class MemorySessionStore<V> implements SessionStore<V> {

    private record Entry<V>(V value, long version) {
    }

    private record Label(String name, String value) {
    }

    private final SessionKind<V> kind;
    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Label, Set<String>> byLabel = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();

    public MemorySessionStore(SessionKind<V> kind) {
        this.kind = kind;
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public Optional<Stored<V>> get(String key) {
        Entry<V> e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(stored(key, e));
    }

    @Override
    public boolean create(String key, V value) {
        if (entries.putIfAbsent(key, new Entry<>(value, versions.incrementAndGet())) != null) {
            return false;
        }
        index(key, value);
        return true;
    }

    @Override
    public boolean replace(String key, V value, String version) {
        Object[] previous = new Object[1];
        entries.computeIfPresent(key, (k, e) -> {
            if (!Long.toString(e.version()).equals(version)) {
                return e;
            }
            previous[0] = e.value();
            return new Entry<>(value, versions.incrementAndGet());
        });
        if (previous[0] == null) {
            return false;
        }
        @SuppressWarnings("unchecked")
        V old = (V) previous[0];
        if (!kind.index(old).equals(kind.index(value))) {
            unindex(key, old);
            index(key, value);
        }
        return true;
    }

    @Override
    public boolean delete(String key) {
        Entry<V> removed = entries.remove(key);
        if (removed == null) {
            return false;
        }
        unindex(key, removed.value());
        return true;
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) {
        if (criteria.isEmpty()) {
            return entries.entrySet().stream().map(e -> stored(e.getKey(), e.getValue())).toList();
        }
        Map.Entry<String, String> first = criteria.entrySet().iterator().next();
        List<Stored<V>> out = new ArrayList<>();
        for (String key : byLabel.getOrDefault(new Label(first.getKey(), first.getValue()), Set.of())) {
            Entry<V> e = entries.get(key);
            // The index may lag a concurrent write by a moment; the entry itself decides.
            if (e != null && kind.index(e.value()).entrySet().containsAll(criteria.entrySet())) {
                out.add(stored(key, e));
            }
        }
        return out;
    }

    @Override
    public int sweep(Instant now) {
        int removed = 0;
        for (Iterator<Map.Entry<String, Entry<V>>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry<V>> e = it.next();
            if (!kind.expiresAt(e.getValue().value()).isAfter(now) && entries.remove(e.getKey(), e.getValue())) {
                unindex(e.getKey(), e.getValue().value());
                removed++;
            }
        }
        return removed;
    }

    private void index(String key, V value) {
        kind.index(value).forEach((name, v) -> byLabel.compute(new Label(name, v), (l, keys) -> {
            Set<String> s = keys == null ? ConcurrentHashMap.newKeySet() : keys;
            s.add(key);
            return s;
        }));
    }

    private void unindex(String key, V value) {
        kind.index(value).forEach((name, v) -> byLabel.computeIfPresent(new Label(name, v), (l, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
        }));
    }

    private static <V> Stored<V> stored(String key, Entry<V> e) {
        return new Stored<>(key, e.value(), Long.toString(e.version()));
    }
}
