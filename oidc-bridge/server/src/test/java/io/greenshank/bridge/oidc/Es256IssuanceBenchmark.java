package io.greenshank.bridge.oidc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * The password-grant comparison again with {@code greenshank.bridge.keys.algorithm=ES256}, the option for issuers
 * whose relying parties all accept ES256 (the Kubernetes API server, Istio and Greenshank's sidecar do).
 */
@QuarkusTest
@TestProfile(Es256IssuanceBenchmark.Es256SlapdProfile.class)
class Es256IssuanceBenchmark extends IssuanceBenchmark {

    public static class Es256SlapdProfile extends SlapdProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("greenshank.bridge.keys.algorithm", "ES256");
            return m;
        }
    }

    // Signing cost and JWKS serving do not depend on the configured algorithm; IssuanceBenchmark measures them.
    @Override
    void signingCostPerToken() {
    }

    @Override
    void jwksServingVersusARawVertxServer() {
    }
}
