package io.greenshank.authz.fault;

import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.enforce.PolicyAuthorizer;
import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicySetBuilder;

import java.util.List;
import java.util.Map;

/**
 * The two policy sets the churn test alternates between, and their answers for each probe computed offline by the
 * product's own engine. Each set is an ALLOW and a DENY on workload {@code probe} in namespace {@code churn} that only
 * together give the set's answers: a generation holding one set's ALLOW and the other's DENY allows {@code /churn/q}
 * (ALLOW of A without the DENY of A) or {@code /churn/r} (ALLOW of B without the DENY of B), which neither set does.
 */
enum PolicyChurn {
    A("/churn/q", "/churn/s", "/churn/q"),
    B("/churn/r", "/churn/t", "/churn/r");

    static final String NAMESPACE = "churn";
    static final List<String> PROBES = List.of("/churn/q", "/churn/r", "/churn/s", "/churn/t", "/churn/u");

    private final String allowYaml;
    private final String denyYaml;
    private final PolicySet offline;

    PolicyChurn(String allow1, String allow2, String deny) {
        allowYaml = policy("churn-allow", "ALLOW", "\"" + allow1 + "\", \"" + allow2 + "\"");
        denyYaml = policy("churn-deny", "DENY", "\"" + deny + "\"");
        offline = PolicySetBuilder.build(new PolicyDocuments("istio-system")
                .parseYaml(allowYaml + "---\n" + denyYaml, name() + ".yaml"), "istio-system", "cluster.local", 1);
    }

    String allowYaml() {
        return allowYaml;
    }

    String denyYaml() {
        return denyYaml;
    }

    PolicyChurn other() {
        return this == A ? B : A;
    }

    /** The answer the sidecar gives {@code path} under this set alone: "allow" or the refusal's reason code. */
    String answer(String path) {
        var d = offline.evaluate(PolicyRequest.builder()
                .destination(new Destination(NAMESPACE, "probe", Map.of("app", "probe"), "", 80))
                .method("GET").host("kubeflow.example.test").path(path).build());
        return d.allowed() ? "allow" : PolicyAuthorizer.reason(d);
    }

    private static String policy(String name, String action, String paths) {
        return """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: probe}}
                  action: %s
                  rules:
                  - to:
                    - operation: {paths: [%s]}
                """.formatted(name, NAMESPACE, action, paths);
    }
}
