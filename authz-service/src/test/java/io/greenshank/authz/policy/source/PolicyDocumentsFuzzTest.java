package io.greenshank.authz.policy.source;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes policy YAML documents (files or ConfigMaps the operator mounts, and anything a namespace owner can apply).
 * Properties: any text yields entries, never an exception (a broken document becomes a rejection with a
 * fail-closed stand-in, not a crash of the reload); the resulting set builds and evaluates a request without an
 * exception; an ALLOW policy that was rejected never grants anything: with every document rejected, no request
 * is allowed where an empty policy set would deny it.
 */
class PolicyDocumentsFuzzTest {

    private static final String ROOT = "istio-system";
    private static final PolicyRequest REQUEST = PolicyRequest.builder().method("GET").path("/admin").host("svc")
            .destination(new Destination("foo", "svc", Map.of("app", "httpbin"), "10.0.0.9", 8080)).build();

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        List<PolicyEntry> entries = new PolicyDocuments(ROOT).parseYaml(yaml, "fuzz.yaml");
        assertThat(entries).doesNotContainNull();
        PolicySet set = PolicySetBuilder.build(entries, ROOT, "cluster.local", 1);
        var decision = set.evaluate(REQUEST);
        if (!entries.isEmpty() && entries.stream().allMatch(e -> e instanceof PolicyEntry.Rejected)) {
            var empty = PolicySet.empty(ROOT).evaluate(REQUEST);
            assertThat(!decision.allowed() || empty.allowed())
                    .as("rejected documents granted %s: %s", REQUEST.path(), decision).isTrue();
        }
    }
}
