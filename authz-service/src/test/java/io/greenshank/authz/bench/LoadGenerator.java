package io.greenshank.authz.bench;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The one grpc-java load generator every target is measured with: closed loop (fixed concurrency) for peak
 * throughput, open loop (fixed rate, latency from the intended send time, so queueing is not hidden) for latency.
 */
final class LoadGenerator implements AutoCloseable {

    record Result(String name, double throughput, long p50Micros, long p99Micros, long errors, long denies) {
        @Override
        public String toString() {
            return String.format("%-34s %10.0f req/s  p50 %6d us  p99 %6d us  errors %d  denies %d",
                    name, throughput, p50Micros, p99Micros, errors, denies);
        }
    }

    /** What one phase counted: latencies of measured answers, denies among them, and failed calls. */
    private static final class Tally {
        final Recorder recorder = new Recorder(3);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong denies = new AtomicLong();

        void answered(long sentOrDueNanos, CheckResponse r) {
            recorder.recordValue(Math.max(1, System.nanoTime() - sentOrDueNanos));
            completed.incrementAndGet();
            if (r.getStatus().getCode() != 0) {
                denies.incrementAndGet();
            }
        }

        Result result(String name, long measureMillis, long dropped) {
            Histogram h = recorder.getIntervalHistogram();
            return new Result(name, completed.get() * 1000.0 / measureMillis, h.getValueAtPercentile(50) / 1000,
                    h.getValueAtPercentile(99) / 1000, errors.get() + dropped, denies.get());
        }
    }

    private final List<AuthorizationGrpc.AuthorizationStub> stubs = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    LoadGenerator(String host, int port, int connections) {
        for (int i = 0; i < connections; i++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
            channels.add(ch);
            stubs.add(AuthorizationGrpc.newStub(ch));
        }
    }

    /**
     * Peak throughput: {@code concurrency} calls always outstanding. A {@code null} request ends that lane (a
     * pool of single-use requests ran dry); the caller must then treat the result as invalid.
     */
    Result closedLoop(String name, IntFunction<CheckRequest> requests, int concurrency, long warmupMillis, long measureMillis)
            throws InterruptedException {
        Tally tally = new Tally();
        AtomicLong seq = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis + measureMillis);
        long measureFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            fire(i, requests, seq, tally, end, measureFrom, done);
        }
        done.await(warmupMillis + measureMillis + 30_000, TimeUnit.MILLISECONDS);
        return tally.result(name, measureMillis, 0);
    }

    private void fire(int lane, IntFunction<CheckRequest> requests, AtomicLong seq, Tally tally, long end, long measureFrom,
                      java.util.concurrent.CountDownLatch done) {
        long start = System.nanoTime();
        if (start >= end) {
            done.countDown();
            return;
        }
        CheckRequest req = requests.apply((int) seq.getAndIncrement());
        if (req == null) {
            done.countDown();
            return;
        }
        stubs.get(lane % stubs.size()).check(req, new StreamObserver<>() {
            @Override
            public void onNext(CheckResponse r) {
                if (start >= measureFrom) {
                    tally.answered(start, r);
                }
            }

            @Override
            public void onError(Throwable t) {
                tally.errors.incrementAndGet();
                fire(lane, requests, seq, tally, end, measureFrom, done);
            }

            @Override
            public void onCompleted() {
                fire(lane, requests, seq, tally, end, measureFrom, done);
            }
        });
    }

    /**
     * Fixed arrival rate; latency measured from when each call was due, not when it was sent. A {@code null} request
     * stops sending. The sender sleeps until the next call is due and then sends every call that has come due, so it
     * never spins: a spinning sender would take one of the machine's two cores from the server it measures. Waking
     * late only delays calls, and that delay is counted, the same for every target.
     */
    Result openLoop(String name, IntFunction<CheckRequest> requests, double ratePerSecond, long warmupMillis, long measureMillis)
            throws InterruptedException {
        Tally tally = new Tally();
        AtomicLong outstanding = new AtomicLong();
        long interval = (long) (1e9 / ratePerSecond);
        long t0 = System.nanoTime();
        long measureFrom = t0 + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long dropped = 0;
        long i = 0;
        sending:
        while (true) {
            long now = System.nanoTime();
            for (long due = t0 + i * interval; due <= now; due = t0 + (++i) * interval) {
                if (due >= end) {
                    break sending;
                }
                if (outstanding.get() > 5000) {
                    dropped++;
                    continue;
                }
                CheckRequest req = requests.apply((int) i);
                if (req == null) {
                    break sending;
                }
                outstanding.incrementAndGet();
                send((int) (i % stubs.size()), req, due, due >= measureFrom, tally, outstanding);
            }
            LockSupport.parkNanos(t0 + i * interval - System.nanoTime());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return tally.result(name, measureMillis, dropped);
    }

    private void send(int lane, CheckRequest req, long due, boolean measured, Tally tally, AtomicLong outstanding) {
        stubs.get(lane).check(req, new StreamObserver<>() {
            @Override
            public void onNext(CheckResponse r) {
                if (measured) {
                    tally.answered(due, r);
                }
            }

            @Override
            public void onError(Throwable t) {
                tally.errors.incrementAndGet();
                outstanding.decrementAndGet();
            }

            @Override
            public void onCompleted() {
                outstanding.decrementAndGet();
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
