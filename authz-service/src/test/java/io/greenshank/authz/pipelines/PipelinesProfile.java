package io.greenshank.authz.pipelines;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The sidecar of Kubeflow Pipelines' API server: the shipped Pipelines route table, service-account tokens only. */
public class PipelinesProfile implements QuarkusTestProfile {

    private static String abs(String p) {
        return Path.of(p).toAbsolutePath().normalize().toString();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.authz.dev-issuer.enabled", "false",
                "greenshank.policy.dirs", abs("../policies/mesh"),
                "greenshank.policy.routes-file", abs("../policies/kubeflow/pipelines-routes.yaml.example"),
                "greenshank.policy.sar.timeout", "3s",
                "greenshank.policy.explain-enabled", "true",
                // This machine is shared and slow; the decision bound is not what these tests are about.
                "greenshank.authz.deny.timeout", "8s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ClusterIssuerResource.class));
    }
}
