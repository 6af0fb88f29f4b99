package io.greenshank.authz.bench;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Check requests each carrying a token nobody has presented yet, all signed before the phase starts so that RS256
 * signing never runs on the measured client path. Each request is handed out at most once; when the pool runs dry the
 * load generator is told to stop ({@code null}) and {@link #exhausted()} says so, so the phase fails rather than
 * silently reusing tokens (which would turn it into a cache-hit measurement).
 */
final class FirstSeenTokens implements IntFunction<CheckRequest> {

    private final List<CheckRequest> requests;
    private final AtomicInteger next = new AtomicInteger();

    /** Mints {@code count} tokens on all cores (outside any timed window). */
    static FirstSeenTokens mint(int count, IntFunction<String> minter, java.util.function.Function<String, CheckRequest> request) {
        return new FirstSeenTokens(IntStream.range(0, count).parallel()
                .mapToObj(i -> request.apply(minter.apply(i))).toList());
    }

    private FirstSeenTokens(List<CheckRequest> requests) {
        this.requests = requests;
    }

    /** Sizes a pool for {@code millis} of load at no more than {@code upperRatePerSecond}, with head-room. */
    static int sizeFor(double upperRatePerSecond, long millis) {
        return (int) Math.ceil(upperRatePerSecond * millis / 1000.0 * 1.25) + 256;
    }

    @Override
    public CheckRequest apply(int ignored) {
        int i = next.getAndIncrement();
        return i < requests.size() ? requests.get(i) : null;
    }

    int size() {
        return requests.size();
    }

    int handedOut() {
        return Math.min(next.get(), requests.size());
    }

    boolean exhausted() {
        return next.get() > requests.size();
    }
}
