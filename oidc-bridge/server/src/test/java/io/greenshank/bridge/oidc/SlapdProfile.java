package io.greenshank.bridge.oidc;

import io.greenshank.bridge.ldap.SlapdResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The bridge against a real slapd instead of the embedded directory. */
public class SlapdProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SlapdResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>();
        m.put("greenshank.bridge.throttle.free-failures-per-user", "3");
        // The issuance benchmarks run with either way of finding groups (-Dbench.groupStrategy=member-of).
        String groups = System.getProperty("bench.groupStrategy");
        if (groups != null) {
            m.put("greenshank.bridge.ldap.group-strategy", groups);
        }
        return m;
    }
}
