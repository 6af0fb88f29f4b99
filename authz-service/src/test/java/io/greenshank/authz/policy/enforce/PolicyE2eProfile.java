package io.greenshank.authz.policy.enforce;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shipped Kubeflow and mesh policies, a route table with one Kubernetes-RBAC route, and the HTTP protocol's mesh
 * peer taken from {@code x-forwarded-client-cert}.
 */
public class PolicyE2eProfile implements QuarkusTestProfile {

    static String abs(String p) {
        return Path.of(p).toAbsolutePath().normalize().toString();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.policy.dirs", abs("../policies/kubeflow") + "," + abs("../policies/mesh") + ","
                        + abs("src/test/resources/policy-e2e/policies"),
                "greenshank.policy.routes-file", abs("src/test/resources/policy-e2e/routes.yaml"),
                "greenshank.policy.explain-enabled", "true",
                "greenshank.policy.sar.timeout", "3s",
                "greenshank.authz.mesh.trust-forwarded-client-cert", "true",
                // This machine is shared and slow; the decision bound is not what these tests are about.
                "greenshank.authz.deny.timeout", "8s");
    }
}
