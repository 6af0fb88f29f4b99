package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link RequestSemanticsCases}: policies for the workload of namespace {@code semantics}, a route judged by
 * Kubernetes RBAC, no authentication baseline (so policy judges anonymous callers), one trusted XFF hop, and the HTTP
 * protocol's peer address from a header Envoy would set.
 */
public class RequestSemanticsProfile implements QuarkusTestProfile {

    static final String PEER_HEADER = "x-test-peer-address";

    static String abs(String p) {
        return Path.of(p).toAbsolutePath().normalize().toString();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.policy.dirs", abs("src/test/resources/request-semantics/policies"),
                "greenshank.policy.routes-file", abs("src/test/resources/request-semantics/routes.yaml"),
                "greenshank.policy.destination.namespace", "semantics",
                "greenshank.policy.require-authentication", "false",
                "greenshank.policy.explain-enabled", "true",
                "greenshank.authz.mesh.xff-num-trusted-hops", "1",
                "greenshank.authz.mesh.http-peer-address-header", PEER_HEADER,
                // This machine is shared and slow; the decision bound is not what these tests are about.
                "greenshank.authz.deny.timeout", "8s");
    }
}
