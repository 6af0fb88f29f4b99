package io.greenshank.authz.policy;

import io.greenshank.authz.policy.istio.AuthorizationPolicyEvaluator;
import io.greenshank.authz.policy.istio.AuthorizationPolicyIndex;
import io.greenshank.authz.policy.istio.CompiledPolicy;
import io.greenshank.authz.policy.legacy.LegacyRbac;
import java.util.List;

/**
 * One immutable, complete generation of policy: what every Check is judged by until the next generation is swapped in
 * whole. AuthorizationPolicy takes precedence over the legacy model for a workload that has any (as in Istio 1.4–1.5).
 */
public record PolicySet(AuthorizationPolicyIndex authorizationPolicies, LegacyRbac legacy,
                        List<PolicyRejection> rejections, long generation) {

    public PolicySet {
        rejections = List.copyOf(rejections);
    }

    public static PolicySet empty(String rootNamespace) {
        return new PolicySet(AuthorizationPolicyIndex.empty(rootNamespace), LegacyRbac.off(), List.of(), 0);
    }

    public Decision evaluate(PolicyRequest request) {
        return evaluate(request, false);
    }

    /** With {@code explain}, every trace entry says why its policy matched or not. */
    public Decision evaluate(PolicyRequest request, boolean explain) {
        List<CompiledPolicy> applicable = authorizationPolicies.applicable(request.destination());
        if (applicable.isEmpty() && legacy.enabledFor(request.destination())) {
            return legacy.evaluate(request, explain);
        }
        return AuthorizationPolicyEvaluator.evaluate(applicable, request, explain);
    }
}
