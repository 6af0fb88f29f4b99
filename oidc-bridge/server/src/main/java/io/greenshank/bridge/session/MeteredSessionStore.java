package io.greenshank.bridge.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every store operation by kind and outcome in {@code greenshank_bridge_session_store_operations_total}:
 * {@code ok}, {@code absent} (get/delete found nothing), {@code conflict} (create/replace lost to another writer),
 * {@code unavailable} (the store did not answer). A {@code peek} (a read of a watch-fed copy, no I/O) is {@code ok} or
 * {@code absent} (the caller asks the store).
 */
public final class MeteredSessionStore<V> implements SessionStore<V> {

    public static final String METRIC = "greenshank_bridge_session_store_operations_total";

    private interface Operation<T> {
        T run() throws SessionStoreUnavailableException;
    }

    private final SessionStore<V> store;
    private final String kind;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public MeteredSessionStore(SessionStore<V> store, SessionKind<V> kind, MeterRegistry metrics) {
        this.store = store;
        this.kind = kind.name();
        this.metrics = metrics;
    }

    @Override
    public boolean inProcess() {
        return store.inProcess();
    }

    @Override
    public Optional<Stored<V>> get(String key) throws SessionStoreUnavailableException {
        Optional<Stored<V>> s = counted("get", () -> store.get(key));
        count("get", s.isPresent() ? "ok" : "absent");
        return s;
    }

    /** Counted as {@code peek}: {@code ok} answered from the copy, {@code absent} left to a {@link #get}. */
    @Override
    public Optional<Stored<V>> peek(String key) {
        Optional<Stored<V>> s = store.peek(key);
        count("peek", s.isPresent() ? "ok" : "absent");
        return s;
    }

    @Override
    public boolean create(String key, V value) throws SessionStoreUnavailableException {
        return counted("create", "conflict", () -> store.create(key, value));
    }

    @Override
    public boolean replace(String key, V value, String version) throws SessionStoreUnavailableException {
        return counted("replace", "conflict", () -> store.replace(key, value, version));
    }

    @Override
    public boolean delete(String key) throws SessionStoreUnavailableException {
        return counted("delete", "absent", () -> store.delete(key));
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) throws SessionStoreUnavailableException {
        List<Stored<V>> found = counted("find", () -> store.find(criteria));
        count("find", "ok");
        return found;
    }

    @Override
    public int sweep(Instant now) throws SessionStoreUnavailableException {
        int n = counted("sweep", () -> store.sweep(now));
        count("sweep", "ok");
        return n;
    }

    private boolean counted(String op, String falseOutcome, Operation<Boolean> o)
            throws SessionStoreUnavailableException {
        boolean done = counted(op, o);
        count(op, done ? "ok" : falseOutcome);
        return done;
    }

    /** Runs {@code o}, counting only its failure; the caller counts the success by what it returned. */
    private <T> T counted(String op, Operation<T> o) throws SessionStoreUnavailableException {
        try {
            return o.run();
        } catch (SessionStoreUnavailableException e) {
            count(op, "unavailable");
            throw e;
        }
    }

    private void count(String op, String outcome) {
        // Both labels come from this class (a handful of values), so is this map; it saves a registry lookup per
        // operation, and a device poll is one.
        counters.computeIfAbsent(op + ' ' + outcome, k -> metrics.counter(METRIC, "kind", kind, "operation", op,
                "outcome", outcome)).increment();
    }
}
