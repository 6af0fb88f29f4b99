package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that records what its callers did: how many listings, and any delete of the key the same thread created
 * last (a login's eviction pass revoking its own new family); and whose listings fail while {@code listingDown} is set
 * (the API server refusing a list, writes still answering).
 */
final class ObservedStore<V> implements SessionStore<V> {

    final AtomicInteger finds = new AtomicInteger();
    final AtomicBoolean listingDown = new AtomicBoolean();
    /** Every value created, by key. */
    final Map<String, V> created = new ConcurrentHashMap<>();
    final List<String> ownFamiliesDeleted = new CopyOnWriteArrayList<>();
    final AtomicInteger deletes = new AtomicInteger();
    private final ThreadLocal<String> lastCreated = new ThreadLocal<>();

    private final SessionStore<V> store;

    ObservedStore(SessionStore<V> store) {
        this.store = store;
    }

    @Override
    public Optional<Stored<V>> get(String key) throws SessionStoreUnavailableException {
        return store.get(key);
    }

    @Override
    public boolean create(String key, V value) throws SessionStoreUnavailableException {
        boolean created = store.create(key, value);
        if (created) {
            this.created.put(key, value);
            lastCreated.set(key);
        }
        return created;
    }

    @Override
    public boolean replace(String key, V value, String version) throws SessionStoreUnavailableException {
        return store.replace(key, value, version);
    }

    @Override
    public boolean delete(String key) throws SessionStoreUnavailableException {
        boolean deleted = store.delete(key);
        if (deleted) {
            deletes.incrementAndGet();
            if (key.equals(lastCreated.get())) {
                ownFamiliesDeleted.add(key);
            }
        }
        return deleted;
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) throws SessionStoreUnavailableException {
        finds.incrementAndGet();
        if (listingDown.get()) {
            throw new SessionStoreUnavailableException("test: list refused", null);
        }
        return store.find(criteria);
    }

    @Override
    public int sweep(Instant now) throws SessionStoreUnavailableException {
        return store.sweep(now);
    }
}
