package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store whose writes fail while {@code down} is set: the API server refusing writes. Reads still answer. */
final class FailingStore<V> extends ForwardingSessionStore<V> {

    private final AtomicBoolean down;

    FailingStore(SessionStore<V> store, AtomicBoolean down) {
        super(store);
        this.down = down;
    }

    private void failIfDown() throws SessionStoreUnavailableException {
        if (down.get()) {
            throw new SessionStoreUnavailableException("test: writes refused", null);
        }
    }

    @Override
    public boolean create(String key, V value) throws SessionStoreUnavailableException {
        failIfDown();
        return store.create(key, value);
    }

    @Override
    public boolean replace(String key, V value, String version) throws SessionStoreUnavailableException {
        failIfDown();
        return store.replace(key, value, version);
    }

    @Override
    public boolean delete(String key) throws SessionStoreUnavailableException {
        failIfDown();
        return store.delete(key);
    }

    @Override
    public int sweep(Instant now) throws SessionStoreUnavailableException {
        failIfDown();
        return store.sweep(now);
    }
}
