package io.greenshank.authz.fault;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Sustained Check load from a few real grpc-java clients (closed loop, one call outstanding per thread) that keeps
 * every answer with its send and answer time, so that a test can judge each answer against what the configuration
 * allowed at that instant.
 */
final class CheckLoad implements AutoCloseable {

    /** One Check sent by the load: what was asked, when, and what came back. */
    record Sent(String label, String expectedUser, String path) {
    }

    /** One answer; {@code status} is the HTTP status Envoy would give (200 when allowed), -1 for a failed call. */
    record Answer(Sent sent, long sentNanos, long answeredNanos, boolean allowed, int status, String reason,
                  Optional<String> user) {
        long latencyMillis() {
            return TimeUnit.NANOSECONDS.toMillis(answeredNanos - sentNanos);
        }
    }

    private final ManagedChannel channel;
    private final AuthorizationGrpc.AuthorizationBlockingStub stub;
    private final String userHeader;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicLong allowed = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    CheckLoad(String host, int port, String userHeader) {
        channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        stub = AuthorizationGrpc.newBlockingStub(channel);
        this.userHeader = userHeader;
    }

    static CheckRequest request(String path, Map<String, String> headers) {
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod("GET").setHost("kubeflow.example.test").setPath(path).setScheme("https")
                        .putAllHeaders(headers)))).build();
    }

    /** Starts {@code lanes} threads; lane {@code i} sends what {@code next.apply(i)} builds, again and again. */
    void start(int lanes, IntFunction<Map.Entry<Sent, CheckRequest>> next) {
        running = true;
        for (int i = 0; i < lanes; i++) {
            int lane = i;
            Thread t = new Thread(() -> {
                while (running) {
                    Map.Entry<Sent, CheckRequest> r = next.apply(lane);
                    Answer a = call(r.getKey(), r.getValue());
                    answers.add(a);
                    if (a.allowed()) {
                        allowed.incrementAndGet();
                    }
                }
            }, "check-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Waits until the load has been allowed {@code count} times: the service is warm and the caches are filled. */
    void awaitAllowed(long count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (allowed.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + allowed.get() + " of " + count + " warm-up Checks allowed in "
                        + timeoutMillis + " ms: " + answers.peek());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Waits for the first answer that satisfies {@code wanted}, for at most {@code timeoutMillis}. */
    Optional<Answer> awaitAnswer(Predicate<Answer> wanted, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            Optional<Answer> found = answers.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return Optional.empty();
    }

    private Answer call(Sent sent, CheckRequest request) {
        long t0 = System.nanoTime();
        try {
            CheckResponse r = stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(request);
            long t1 = System.nanoTime();
            if (r.getStatus().getCode() == 0) {
                return new Answer(sent, t0, t1, true, 200, "", header(r.getOkResponse().getHeadersList(), userHeader));
            }
            return new Answer(sent, t0, t1, false, r.getDeniedResponse().getStatus().getCodeValue(),
                    header(r.getDeniedResponse().getHeadersList(), "x-greenshank-reason").orElse(r.getStatus().getMessage()), Optional.empty());
        } catch (RuntimeException e) {
            return new Answer(sent, t0, System.nanoTime(), false, -1, "call failed: " + e, Optional.empty());
        }
    }

    private static Optional<String> header(List<HeaderValueOption> headers, String name) {
        return headers.stream().filter(h -> h.getHeader().getKey().equalsIgnoreCase(name))
                .map(h -> h.getHeader().getValue()).findFirst();
    }

    /** Stops the lanes and returns every answer, in the order they arrived. */
    List<Answer> stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(15_000);
        }
        threads.clear();
        return new ArrayList<>(answers);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
