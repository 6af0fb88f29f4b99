package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.sar.ReviewDecision;
import io.greenshank.authz.sar.SubjectAccessReviewer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Policy decisions by deciding action, policies loaded and rejected (with a counter per kind of rejection), and
 * SubjectAccessReview outcomes and cache.
 */
@ApplicationScoped
public class PolicyMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    PolicyRuntime runtime;

    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> reviews = new ConcurrentHashMap<>();
    private final Set<String> seenRejections = new HashSet<>();

    void start(@Observes StartupEvent ev) {
        Gauge.builder("greenshank.policy.loaded", runtime, r -> r.policies().authorizationPolicies().size())
                .description("AuthorizationPolicies in the current generation").register(registry);
        Gauge.builder("greenshank.policy.legacy.bindings", runtime, r -> r.policies().legacy().bindingCount())
                .description("ServiceRoleBindings in the current generation").register(registry);
        Gauge.builder("greenshank.policy.rejected", runtime, r -> r.policies().rejections().size())
                .description("Policies rejected in the current generation (enforced fail-closed)").register(registry);
        Gauge.builder("greenshank.policy.kinds.absent", runtime, r -> r.absentKinds().size())
                .description("Watched policy kinds the API server does not serve (no CRD), treated as empty")
                .register(registry);
        Gauge.builder("greenshank.policy.generation", runtime, r -> r.policies().generation())
                .description("Policy generation number").register(registry);
        Gauge.builder("greenshank.sar.cache.size", runtime,
                r -> r.reviewerIfCreated() == null ? 0 : r.reviewerIfCreated().cacheSize()).register(registry);
        FunctionCounter.builder("greenshank.sar.api.calls", runtime, r -> count(r.reviewerIfCreated(), 0))
                .description("SubjectAccessReviews sent to the API server").register(registry);
        FunctionCounter.builder("greenshank.sar.cache.hits", runtime, r -> count(r.reviewerIfCreated(), 1))
                .register(registry);
        FunctionCounter.builder("greenshank.sar.failures", runtime, r -> count(r.reviewerIfCreated(), 2))
                .description("SubjectAccessReviews that failed or timed out (denied)").register(registry);
        runtime.store().onChange(this::countRejections);
        countRejections(runtime.policies());
    }

    private static double count(SubjectAccessReviewer r, int which) {
        if (r == null) {
            return 0;
        }
        return switch (which) {
            case 0 -> r.apiCalls();
            case 1 -> r.cacheHits();
            default -> r.failures();
        };
    }

    private synchronized void countRejections(PolicySet set) {
        for (PolicyRejection r : set.rejections()) {
            if (seenRejections.add(r.toString())) {
                Counter.builder("greenshank.policy.rejections").tag("kind", r.kind())
                        .description("Policy documents rejected, by kind").register(registry).increment();
            }
        }
    }

    public void record(Decision d) {
        String action = d.action() == null ? "none" : d.action().name();
        String outcome = d.allowed() ? "allow" : "deny";
        decisions.computeIfAbsent(action + outcome, k -> Counter.builder("greenshank.policy.decisions")
                .description("Policy decisions by the deciding action").tag("action", action).tag("outcome", outcome)
                .register(registry)).increment();
    }

    public void dryRun(io.greenshank.authz.policy.TraceEntry t) {
        String action = t.action().name();
        decisions.computeIfAbsent("dry-run" + action, k -> Counter.builder("greenshank.policy.dry.run.matches")
                .description("Dry-run (and PERMISSIVE) policies that matched a request, by action").tag("action", action)
                .register(registry)).increment();
    }

    public void pathRejected() {
        decisions.computeIfAbsent("path", k -> Counter.builder("greenshank.policy.decisions")
                .tag("action", "path_rejected").tag("outcome", "deny").register(registry)).increment();
    }

    /** A request refused because its route's query variables could not be read unambiguously. */
    public void routeRejected(String reason) {
        decisions.computeIfAbsent("route" + reason, k -> Counter.builder("greenshank.policy.decisions")
                .tag("action", reason).tag("outcome", "deny").register(registry)).increment();
    }

    public void review(ReviewDecision d) {
        String outcome = d.unavailable() ? "unavailable" : d.allowed() ? "allow" : "deny";
        reviews.computeIfAbsent(outcome, k -> Counter.builder("greenshank.sar.decisions").tag("outcome", k)
                .register(registry)).increment();
    }
}
