package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.PolicySet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the policy stage: down until the cluster's policies are first listed, or while the route table is
 * unreadable. Watched kinds without a CRD in the cluster count as synced and empty and are named. Rejected
 * policies do not make it unready (they are enforced fail-closed) but are named in the detail.
 */
@Readiness
@ApplicationScoped
public class PolicyHealthCheck implements HealthCheck {

    @Inject
    PolicyRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        PolicySet set = runtime.policies();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("greenshank-policy")
                .status(runtime.clusterSynced() && runtime.routesProblem().isEmpty())
                .withData("generation", set.generation())
                .withData("authorizationPolicies", set.authorizationPolicies().size())
                .withData("serviceRoleBindings", set.legacy().bindingCount())
                .withData("rejected", set.rejections().size());
        if (!runtime.absentKinds().isEmpty()) {
            b.withData("notServed", String.join(", ", runtime.absentKinds())
                    + " (no such CRD in the cluster: treated as empty, looked for again every "
                    + runtime.config().kubernetes().absentKindRecheck() + ")");
        }
        if (!runtime.routesProblem().isEmpty()) {
            b.withData("routes", runtime.routesProblem());
        }
        int i = 0;
        for (PolicyRejection r : set.rejections()) {
            if (i == 20) {
                b.withData("rejected.more", set.rejections().size() - 20);
                break;
            }
            b.withData("rejected." + i++, r.toString());
        }
        return b.build();
    }
}
