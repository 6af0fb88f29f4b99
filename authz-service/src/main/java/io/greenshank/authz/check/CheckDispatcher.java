package io.greenshank.authz.check;

import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import io.greenshank.authz.decision.DecisionEngine;
import io.greenshank.authz.observe.DecisionLog;
import io.greenshank.authz.observe.DecisionMetrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the decision core for either protocol: on the calling (I/O) thread when the answer needs no blocking work,
 * on a worker otherwise, always within the decision timeout, then records metrics and the decision log line.
 */
public final class CheckDispatcher {

    private final DecisionEngine engine;
    private final Executor workers;
    private final Duration timeout;
    private final DecisionMetrics metrics;
    private final DecisionLog log;

    public CheckDispatcher(DecisionEngine engine, Executor workers, Duration timeout, DecisionMetrics metrics, DecisionLog log) {
        this.engine = engine;
        this.workers = workers;
        this.timeout = timeout;
        this.metrics = metrics;
        this.log = log;
    }

    public DecisionEngine engine() {
        return engine;
    }

    public CompletionStage<Decision> check(CheckAttributes request) {
        long start = System.nanoTime();
        Decision now = engine.tryDecideNow(request);
        if (now != null) {
            return CompletableFuture.completedFuture(record(request, now, start));
        }
        CompletableFuture<Decision> f;
        try {
            f = CompletableFuture.supplyAsync(() -> engine.decide(request), workers);
        } catch (RuntimeException rejected) {
            return CompletableFuture.completedFuture(record(request, engine.error(request, "overloaded"), start));
        }
        return f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .exceptionally(t -> engine.error(request,
                        unwrap(t) instanceof TimeoutException ? "decision_timeout" : "internal_error"))
                .thenApply(d -> record(request, d, start));
    }

    /** Refuses a request the protocol adapter found malformed, recorded like any other decision. */
    public CompletionStage<Decision> refuse(CheckAttributes request, String reason) {
        return CompletableFuture.completedFuture(record(request, engine.malformed(reason), System.nanoTime()));
    }

    private Decision record(CheckAttributes request, Decision d, long start) {
        long nanos = System.nanoTime() - start;
        try {
            metrics.record(request.protocol(), d, nanos);
            log.log(request, d, nanos);
        } catch (RuntimeException ignored) {
            // observability must never change a verdict
        }
        return d;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
