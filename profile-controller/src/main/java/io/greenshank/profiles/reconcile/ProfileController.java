package io.greenshank.profiles.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.greenshank.profiles.cache.ClusterCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs the reconciler: informer events put profile names on the work queue and worker threads drain it. Started
 * when this replica becomes leader and stopped when it stops leading; the cache keeps running either way, since
 * the sharing API reads it.
 */
public final class ProfileController implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProfileController.class);

    private final ClusterCache cache;
    private final ProfileReconciler reconciler;
    private final ControllerSettings settings;
    private final ControllerMetrics metrics;
    private final WorkQueue queue;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();

    public ProfileController(ClusterCache cache, ProfileReconciler reconciler, ControllerSettings settings,
            WorkQueue queue, ControllerMetrics metrics) {
        this.cache = cache;
        this.reconciler = reconciler;
        this.settings = settings;
        this.queue = queue;
        this.metrics = metrics;
        cache.onChange(name -> {
            if (running.get()) {
                queue.add(name);
            }
        });
    }

    /** Starts the workers and queues every known profile once, so a new leader catches up on missed events. */
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = new Thread(this::work, "profile-reconciler-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        cache.profileNames().forEach(queue::add);
        LOG.infof("profile controller started with %d workers", settings.workers());
    }

    public synchronized void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
        LOG.info("profile controller stopped");
    }

    public boolean running() {
        return running.get();
    }

    public WorkQueue queue() {
        return queue;
    }

    private void work() {
        while (running.get()) {
            String key;
            try {
                key = queue.take(Duration.ofMillis(500)).orElse(null);
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            long start = System.nanoTime();
            try {
                ReconcileOutcome outcome = reconciler.reconcile(key);
                queue.forget(key);
                metrics.reconciled(outcome, Duration.ofNanos(System.nanoTime() - start));
            } catch (KubernetesClientException e) {
                metrics.failed(Duration.ofNanos(System.nanoTime() - start));
                Duration delay = queue.retryLater(key);
                LOG.warnf("reconcile of profile %s failed (HTTP %d: %s); retrying in %d ms", key, e.getCode(),
                        e.getMessage(), delay.toMillis());
            } catch (RuntimeException e) {
                metrics.failed(Duration.ofNanos(System.nanoTime() - start));
                Duration delay = queue.retryLater(key);
                LOG.errorf(e, "reconcile of profile %s failed unexpectedly; retrying in %d ms", key, delay.toMillis());
            } finally {
                queue.done(key);
            }
        }
    }

    @Override
    public void close() {
        stop();
        queue.close();
    }
}
