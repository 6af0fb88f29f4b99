package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Device-code polling cost with {@code sessions.store=kubernetes} (what a replicated deployment runs) against
 * fabric8's CRUD mock API server in this JVM, same load as {@link DevicePollingBenchmark}: pending polls answered from
 * the watched copy of the device-code Secrets. Besides the bridge's CPU share it reports the requests the API server
 * received during each window (the mock's own count). Floors, same run: the {@code /token} floor and bare Vert.x.
 * {@link DevicePollingUnwatchedBenchmark} is the same with {@code sessions.watch=false}: a Secret GET per poll.
 */
@QuarkusTest
@TestProfile(DevicePollingOnKubernetesBenchmark.Profile.class)
@WithKubernetesTestServer(crud = true)
@Tag("benchmark")
class DevicePollingOnKubernetesBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesProfile.overrides(true);
        }
    }

    /** The kubernetes store in a namespace of the mock, kubectl allowed the device grant, codes outliving the run. */
    static final class KubernetesProfile {
        static Map<String, String> overrides(boolean watch) {
            return Map.of("greenshank.bridge.clients.kubectl.grant-types", DeviceCodeGrant.GRANT_TYPE,
                    "greenshank.bridge.device.code-lifetime", "PT30M",
                    "greenshank.bridge.sessions.store", "kubernetes",
                    "greenshank.bridge.sessions.namespace", "bench",
                    "greenshank.bridge.sessions.watch", Boolean.toString(watch),
                    "quarkus.log.category.\"io.greenshank\".level", "WARN",
                    "quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
        }

        private KubernetesProfile() {
        }
    }

    @TestHTTPResource("/")
    URL base;

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @Test
    void thousandPendingCodesPolledEveryFiveSeconds() throws Exception {
        PollingLoad.Window polls = measure(base, kubernetes, "DEVICE POLLING (kubernetes store, watched copy)");
        assertThat(polls.apiRequests()).as("API requests while every poll was pending").isZero();
        assertThat(polls.bridgeCoreShare()).as("share of one core").isLessThan(0.05);
    }

    /** Codes, then the {@code /token} floor, the polls, the floor again and bare Vert.x; prints the table. */
    static PollingLoad.Window measure(URL base, KubernetesServer kubernetes, String title) throws Exception {
        PollingLoad load = new PollingLoad(base.toString());
        List<String> deviceCodes = load.startCodes();
        PollingLoad.Window floor1 = load.measure("token floor 1", i -> PollingLoad.FLOOR, () -> requests(kubernetes));
        PollingLoad.Window polls = load.measure("device polls", i -> PollingLoad.POLL + deviceCodes.get(i),
                () -> requests(kubernetes));
        PollingLoad.Window floor2 = load.measure("token floor 2", i -> PollingLoad.FLOOR, () -> requests(kubernetes));
        PollingLoad.Window bare = load.measureBareVertx(i -> PollingLoad.POLL + deviceCodes.get(i));
        load.print(title);
        double floor = (floor1.bridgeCoreShare() + floor2.bridgeCoreShare()) / 2;
        System.out.printf("  ratio device polls / token floor: %.2f; / bare Vert.x: %.2f; API requests per poll: "
                + "%.3f%n", polls.bridgeCoreShare() / floor, polls.bridgeCoreShare() / bare.bridgeCoreShare(),
                polls.apiRequests() / (double) polls.requests());
        assertThat(polls.answers()).containsOnlyKeys("400 authorization_pending");
        return polls;
    }

    static long requests(KubernetesServer kubernetes) {
        return kubernetes.getKubernetesMockServer().getRequestCount();
    }
}
