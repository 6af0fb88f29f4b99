package io.greenshank.profiles.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The KFAM API alone: no reconciler (the benchmark writes the objects a reconciled profile has itself). */
public class KfamHttpBenchmarkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("greenshank.profiles.controller.enabled", "false",
                "greenshank.profiles.leader-election.enabled", "false");
    }
}
