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
                "greenshank.policy.dirs", abs("../policies/kubeflow") + "," + abs("../policies/mesh"),
                "greenshank.policy.routes-file", abs("src/test/resources/policy-e2e/routes.yaml"),
                "greenshank.policy.explain-enabled", "true",
                "greenshank.policy.sar.timeout", "3s",
                "greenshank.authz.mesh.trust-forwarded-client-cert", "true");
    }
}
