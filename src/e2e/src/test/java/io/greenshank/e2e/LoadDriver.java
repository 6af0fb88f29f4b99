package io.greenshank.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs {@link SoakWorkload}'s mix on a fixed number of workers: closed loop (each worker issues its next operation
 * when the previous one answered: the peak) or open loop (operations are due at a fixed rate whether or not earlier
 * ones have answered, so a slow service builds a backlog instead of slowing the load down; latency counts from the
 * time an operation was due, so queueing is not hidden).
 */
final class LoadDriver {

    private static final int ERRORS_KEPT = 20;

    private final SoakWorkload workload;
    private final int workers;
    private final AtomicLong sequence = new AtomicLong();

    LoadDriver(SoakWorkload workload, int workers) {
        this.workload = workload;
        this.workers = workers;
    }

    /** What one phase did. Latencies in microseconds, from when the operation was due. */
    record Result(long operations, long errors, List<String> firstErrors, Map<SoakWorkload.Kind, Long> perKind,
                  double seconds, long p50Micros, long p99Micros, long maxMicros, long maxBacklog) {

        double perSecond() {
            return operations / seconds;
        }
    }

    private final class Tally {
        final LongAdder ops = new LongAdder();
        final LongAdder errors = new LongAdder();
        final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        final Map<SoakWorkload.Kind, LongAdder> perKind = new EnumMap<>(SoakWorkload.Kind.class);
        final Recorder latency = new Recorder(3);
        final AtomicLong maxBacklog = new AtomicLong();

        Tally() {
            for (SoakWorkload.Kind k : SoakWorkload.Kind.values()) {
                perKind.put(k, new LongAdder());
            }
        }

        void runOne(long dueNanos) {
            SoakWorkload.Kind kind = workload.kind(sequence.getAndIncrement());
            try {
                workload.run(kind);
            } catch (Throwable t) {
                errors.increment();
                if (firstErrors.size() < ERRORS_KEPT) {
                    firstErrors.add(kind + ": " + t);
                }
            }
            latency.recordValue(Math.max(1, (System.nanoTime() - dueNanos) / 1_000));
            perKind.get(kind).increment();
            ops.increment();
        }

        Result result(double seconds) {
            Map<SoakWorkload.Kind, Long> kinds = new EnumMap<>(SoakWorkload.Kind.class);
            perKind.forEach((k, v) -> kinds.put(k, v.sum()));
            Histogram h = latency.getIntervalHistogram();
            return new Result(ops.sum(), errors.sum(), new ArrayList<>(firstErrors), kinds, seconds,
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), maxBacklog.get());
        }
    }

    /** Every worker runs operations back to back for {@code duration}. */
    Result closedLoop(Duration duration) throws InterruptedException {
        Tally tally = new Tally();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    tally.runOne(System.nanoTime());
                }
            }, "soak-closed-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return tally.result((System.nanoTime() - start) / 1e9);
    }

    /**
     * Operations due every {@code 1/rate} s for {@code duration}, run by the workers; {@code tick} is called from
     * the pacing thread about once a second (renewing session tokens, printing progress) and must not block long.
     */
    Result openLoop(double ratePerSecond, Duration duration, Runnable tick) throws InterruptedException {
        Tally tally = new Tally();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> new Thread(r, "soak-open"));
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / ratePerSecond);
        long count = duration.toNanos() / intervalNanos;
        long nextTick = start + 1_000_000_000L;
        try {
            for (long i = 0; i < count; i++) {
                long due = start + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000L));
                }
                pool.execute(() -> tally.runOne(due));
                tally.maxBacklog.accumulateAndGet(pool.getQueue().size(), Math::max);
                if (System.nanoTime() >= nextTick) {
                    tick.run();
                    nextTick += 1_000_000_000L;
                }
            }
        } finally {
            shutdown(pool);
        }
        return tally.result((System.nanoTime() - start) / 1e9);
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(2, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new IllegalStateException("operations still running 2 min after the soak's end");
        }
    }
}
