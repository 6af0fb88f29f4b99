package io.greenshank.authz.policy;

import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicySetBuilder;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import java.util.Map;
import java.util.Optional;

/** Builds policy sets from YAML text and requests from a few attributes, for the semantics suites. */
public final class PolicyFixtures {

    public static final String ROOT = "istio-system";

    private PolicyFixtures() {
    }

    public static PolicySet policies(String yaml) {
        return PolicySetBuilder.build(new PolicyDocuments(ROOT).parseYaml(yaml, "test.yaml"), ROOT, "cluster.local", 1);
    }

    public static PolicyRequest.Builder request(String namespace, Map<String, String> labels) {
        return PolicyRequest.builder().destination(new Destination(namespace, "svc", labels, "10.0.0.9", 8080));
    }

    public static PolicyRequest.Builder request() {
        return request("foo", Map.of("app", "httpbin"));
    }

    public static Identity jwt(String iss, String sub, Map<String, Object> claims) {
        return new Identity(String.valueOf(claims.getOrDefault("email", sub)), java.util.List.of(), Optional.of(iss),
                Optional.of(sub), Optional.empty(), AuthMethod.JWT, claims, Optional.empty());
    }
}
