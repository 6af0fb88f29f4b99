package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where short-lived session state (refresh-token families, authorization codes) is kept. The store only persists:
 * the rules that decide what a token may do live with the callers. Every write is conditional, so replicas sharing
 * one store never overwrite each other: {@link #create} fails on an existing key, {@link #replace} on a stale version,
 * and of two concurrent {@link #delete}s of one key exactly one returns true.
 *
 * @param <V> the stored value
 */
public interface SessionStore<V> {

    /** A stored value under its key, and the version it was read at. */
    record Stored<V>(String key, V value, String version) {
    }

    Optional<Stored<V>> get(String key) throws SessionStoreUnavailableException;

    /** @return false when the key is already taken */
    boolean create(String key, V value) throws SessionStoreUnavailableException;

    /** @return false when the value changed since {@code version} was read, or is gone */
    boolean replace(String key, V value, String version) throws SessionStoreUnavailableException;

    /** @return true only for the call that removed the value */
    boolean delete(String key) throws SessionStoreUnavailableException;

    /** The values whose {@link SessionKind#index} holds every entry of {@code criteria}. */
    List<Stored<V>> find(Map<String, String> criteria) throws SessionStoreUnavailableException;

    /** Removes values expired at {@code now}; idempotent, so every replica may sweep. @return how many it removed */
    int sweep(Instant now) throws SessionStoreUnavailableException;

    /**
     * The value as a watch-fed copy in this process last saw it, without I/O or waiting: an event loop may call it.
     * Empty whenever this process cannot vouch for a copy (it keeps none, has not finished its first list, its watch
     * is down, or has not seen the key yet): then only {@link #get} can tell. A present answer may lag the store by
     * the watch's latency, so a caller uses it only for answers that a newer state merely delays, and makes every
     * state change a conditional write against the store.
     */
    default Optional<Stored<V>> peek(String key) {
        return Optional.empty();
    }

    /**
     * Whether every operation completes in this process without I/O or waiting, so an event loop may call it; false
     * unless the store says otherwise (a shared store answers over the network).
     */
    default boolean inProcess() {
        return false;
    }
}
