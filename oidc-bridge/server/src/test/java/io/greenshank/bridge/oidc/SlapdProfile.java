package io.greenshank.bridge.oidc;

import io.greenshank.bridge.ldap.SlapdResource;
import io.quarkus.test.junit.QuarkusTestProfile;
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
        return Map.of("greenshank.bridge.throttle.free-failures-per-user", "3");
    }
}
