package io.greenshank.profiles.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating work queue with client-go's semantics: a key is queued at most once however many events name it,
 * is never processed by two workers at once, and a key that changes while being processed is processed again
 * afterwards. Failed keys come back after an exponential backoff.
 */
public final class WorkQueue implements AutoCloseable {

    private static final long BASE_BACKOFF_MS = 5;

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Duration maxBackoff;
    private final ScheduledExecutorService delayed;
    private boolean shutDown;

    public WorkQueue(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
        this.delayed = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "profile-queue-retry");
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void add(String key) {
        if (shutDown || !dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    /** Queues the key again after its backoff; returns the delay used. */
    public Duration retryLater(String key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum);
        }
        long ms = Math.min(maxBackoff.toMillis(), BASE_BACKOFF_MS << Math.min(n - 1, 30));
        delayed.schedule(() -> add(key), ms, TimeUnit.MILLISECONDS);
        return Duration.ofMillis(ms);
    }

    public synchronized void forget(String key) {
        failures.remove(key);
    }

    /** The next key, waiting at most {@code timeout}; empty on timeout or shutdown. */
    public synchronized Optional<String> take(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queue.isEmpty() && !shutDown) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (shutDown) {
            return Optional.empty();
        }
        String key = queue.pollFirst();
        dirty.remove(key);
        processing.add(key);
        return Optional.of(key);
    }

    /** Marks the key finished; if it was added meanwhile, it is queued again. */
    public synchronized void done(String key) {
        processing.remove(key);
        if (dirty.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    public synchronized int depth() {
        return queue.size();
    }

    public synchronized boolean idle() {
        return queue.isEmpty() && processing.isEmpty();
    }

    @Override
    public void close() {
        synchronized (this) {
            shutDown = true;
            notifyAll();
        }
        delayed.shutdownNow();
    }
}
