package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store that hands every operation to another; a subclass overrides the ones it adds something to. */
public abstract class ForwardingSessionStore<V> implements SessionStore<V> {

    protected final SessionStore<V> store;

    protected ForwardingSessionStore(SessionStore<V> store) {
        this.store = store;
    }

    @Override
    public Optional<Stored<V>> get(String key) throws SessionStoreUnavailableException {
        return store.get(key);
    }

    @Override
    public Optional<Stored<V>> peek(String key) {
        return store.peek(key);
    }

    @Override
    public boolean create(String key, V value) throws SessionStoreUnavailableException {
        return store.create(key, value);
    }

    @Override
    public boolean replace(String key, V value, String version) throws SessionStoreUnavailableException {
        return store.replace(key, value, version);
    }

    @Override
    public boolean delete(String key) throws SessionStoreUnavailableException {
        return store.delete(key);
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) throws SessionStoreUnavailableException {
        return store.find(criteria);
    }

    @Override
    public int sweep(Instant now) throws SessionStoreUnavailableException {
        return store.sweep(now);
    }

    @Override
    public boolean inProcess() {
        return store.inProcess();
    }
}
