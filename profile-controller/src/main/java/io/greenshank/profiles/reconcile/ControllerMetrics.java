package io.greenshank.profiles.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The controller's Prometheus series: reconciles by outcome, errors, queue depth and reconcile duration. */
public final class ControllerMetrics {

    private final MeterRegistry registry;
    private final Counter errors;
    private final Timer duration;

    public ControllerMetrics(MeterRegistry registry, Supplier<Number> queueDepth) {
        this.registry = registry;
        this.errors = Counter.builder("greenshank.profiles.reconcile.errors")
                .description("Reconciles that failed and will be retried").register(registry);
        this.duration = Timer.builder("greenshank.profiles.reconcile.duration")
                .description("Time to reconcile one profile").register(registry);
        Gauge.builder("greenshank.profiles.queue.depth", queueDepth)
                .description("Profiles waiting to be reconciled").register(registry);
    }

    public void reconciled(ReconcileOutcome outcome, Duration took) {
        registry.counter("greenshank.profiles.reconciles", "outcome", outcome.name().toLowerCase()).increment();
        duration.record(took);
    }

    public void failed(Duration took) {
        registry.counter("greenshank.profiles.reconciles", "outcome", "error").increment();
        errors.increment();
        duration.record(took);
    }

    public double errorCount() {
        return errors.count();
    }
}
