package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Device-code polling cost with the memory session store (not part of {@code verify}; see docs/benchmarks.md): 1,000
 * pending device codes, each polled every 5 s as RFC 8628 clients do (200 polls/s, spread evenly), for a measured
 * window after a warm-up ({@link PollingLoad}). Floors, same run, same schedule: {@code POST /token} with an
 * unsupported grant type (client authentication, form parsing and a JSON error: everything a poll costs except the
 * device-code lookup), and a bare Vert.x server in the same JVM answering every post with the same 400 JSON.
 * {@link DevicePollingOnKubernetesBenchmark} measures the kubernetes store in the same Maven run.
 */
@QuarkusTest
@TestProfile(DevicePollingBenchmark.Profile.class)
@Tag("benchmark")
class DevicePollingBenchmark {

    /** The memory session store, kubectl allowed the device grant, codes living longer than the run. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.clients.kubectl.grant-types", DeviceCodeGrant.GRANT_TYPE,
                    "greenshank.bridge.device.code-lifetime", "PT30M",
                    "quarkus.log.category.\"io.greenshank\".level", "WARN");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void thousandPendingCodesPolledEveryFiveSeconds() throws Exception {
        PollingLoad load = new PollingLoad(base.toString());
        List<String> deviceCodes = load.startCodes();
        PollingLoad.Window floor1 = load.measure("token floor 1", i -> PollingLoad.FLOOR, () -> 0);
        PollingLoad.Window polls = load.measure("device polls", i -> PollingLoad.POLL + deviceCodes.get(i), () -> 0);
        PollingLoad.Window floor2 = load.measure("token floor 2", i -> PollingLoad.FLOOR, () -> 0);
        PollingLoad.Window bare = load.measureBareVertx(i -> PollingLoad.POLL + deviceCodes.get(i));
        load.print("DEVICE POLLING (memory store)");
        double floor = (floor1.bridgeCoreShare() + floor2.bridgeCoreShare()) / 2;
        System.out.printf("  ratio device polls / token floor: %.2f; / bare Vert.x: %.2f%n",
                polls.bridgeCoreShare() / floor, polls.bridgeCoreShare() / bare.bridgeCoreShare());
        assertThat(polls.answers()).containsOnlyKeys("400 authorization_pending");
        assertThat(polls.bridgeCoreShare()).as("share of one core").isLessThan(0.05);
    }
}
