package io.greenshank.authz.observe;

import io.greenshank.authz.decision.Decision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Decisions by outcome and reason, Check latency, and token-cache lookups. Meters are cached: this is the hot path. */
public final class DecisionMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Counter cacheHits;
    private final Counter cacheMisses;

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.cacheHits = Counter.builder("greenshank.authz.token.cache").tag("result", "hit")
                .description("Verified-token cache lookups").register(registry);
        this.cacheMisses = Counter.builder("greenshank.authz.token.cache").tag("result", "miss")
                .description("Verified-token cache lookups").register(registry);
    }

    public void cacheLookup(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    public void record(String protocol, Decision d, long nanos) {
        String key = d.outcome().tag() + '\u0000' + d.reason();
        decisions.computeIfAbsent(key, k -> Counter.builder("greenshank.authz.decisions")
                .description("ext_authz decisions by outcome and reason")
                .tag("outcome", d.outcome().tag()).tag("reason", d.reason()).register(registry)).increment();
        latency.computeIfAbsent(protocol, p -> Timer.builder("greenshank.authz.check")
                .description("Time to decide one Check, from request parsed to response ready")
                .tag("protocol", p).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
