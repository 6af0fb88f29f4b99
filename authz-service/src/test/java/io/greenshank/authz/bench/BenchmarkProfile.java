package io.greenshank.authz.bench;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The sidecar as deployed, except that the decision log is off (surefire would capture a line per Check). */
public class BenchmarkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("greenshank.authz.decision-log.enabled", "false", "quarkus.log.level", "WARN");
    }
}
