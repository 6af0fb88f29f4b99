package io.greenshank.bridge.kerberos;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The SPNEGO exchange benchmark again with tokens signed ES256 ({@code greenshank.bridge.keys.algorithm=ES256}). */
@QuarkusTest
@TestProfile(Es256KerberosBenchmark.Es256KerberosProfile.class)
@EnabledIfSystemProperty(named = "greenshank.bench", matches = "true")
class Es256KerberosBenchmark extends KerberosBenchmark {

    public static class Es256KerberosProfile extends KerberosTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("greenshank.bridge.keys.algorithm", "ES256");
            return m;
        }
    }

    // The plugin's start-up does not depend on the bridge's signing algorithm; KerberosBenchmark measures it.
    @Override
    void pluginColdStartAndCachedTokenLatency() {
    }
}
