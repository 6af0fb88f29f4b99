package io.greenshank.authz.fault;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Policies watched in the cluster and one route that needs a SubjectAccessReview, with the review cache's lifetimes
 * shortened (5 min / 30 s by default) so that cached answers expire within an outage, and a batch delay (100 ms by
 * default) shorter than the churn test's interval between policy sets. Shared by the outage and churn tests.
 */
public class ApiServerOutageProfile implements QuarkusTestProfile {

    static final long ALLOW_TTL_MILLIS = 3_000;
    static final long BATCH_DELAY_MILLIS = 50;
    static final long DENY_TTL_MILLIS = 1_000;
    static final long SAR_TIMEOUT_MILLIS = 1_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.policy.kubernetes.enabled", "true",
                // below the churn test's 100 ms between sets (a burst is published after a quiet batch-delay)
                "greenshank.policy.kubernetes.batch-delay", BATCH_DELAY_MILLIS + "ms",
                "greenshank.policy.routes-file", Path.of("src/test/resources/fault/api-routes.yaml").toAbsolutePath().toString(),
                "greenshank.policy.destination.namespace", "team",
                "greenshank.policy.destination.labels.app", "web",
                "greenshank.policy.sar.allow-ttl", ALLOW_TTL_MILLIS + "ms",
                "greenshank.policy.sar.deny-ttl", DENY_TTL_MILLIS + "ms",
                "greenshank.policy.sar.timeout", SAR_TIMEOUT_MILLIS + "ms",
                "greenshank.authz.deny.timeout", "3s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultyApiServerResource.class));
    }

    /**
     * The workload's ALLOW policy: {@code /app/open/} and the notebooks API; with {@code flipped}, {@code /app/flip/}
     * too (the change made while the API server is unreachable).
     */
    static String policy(boolean flipped) {
        return """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: web-allow, namespace: team}
                spec:
                  selector: {matchLabels: {app: web}}
                  action: ALLOW
                  rules:
                  - to:
                    - operation: {paths: ["/app/open/*", "/api/namespaces/*"%s]}
                """.formatted(flipped ? ", \"/app/flip/*\"" : "");
    }
}
