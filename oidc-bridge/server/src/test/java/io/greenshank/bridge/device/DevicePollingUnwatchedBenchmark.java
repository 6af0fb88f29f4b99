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
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link DevicePollingOnKubernetesBenchmark} with {@code sessions.watch=false}: every poll a Secret GET on a worker,
 * as before the watched copy. The figure includes the mock API server answering those GETs in this JVM (its event
 * loops share the bridge's thread names), so it overstates the bridge's own share; the API request rate is exact.
 */
@QuarkusTest
@TestProfile(DevicePollingUnwatchedBenchmark.Profile.class)
@WithKubernetesTestServer(crud = true)
@Tag("benchmark")
class DevicePollingUnwatchedBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return DevicePollingOnKubernetesBenchmark.KubernetesProfile.overrides(false);
        }
    }

    @TestHTTPResource("/")
    URL base;

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @Test
    void thousandPendingCodesPolledEveryFiveSecondsEachAGet() throws Exception {
        PollingLoad.Window polls = DevicePollingOnKubernetesBenchmark.measure(base, kubernetes,
                "DEVICE POLLING (kubernetes store, sessions.watch=false: a GET per poll)");
        assertThat(polls.apiRequests()).as("a GET per poll").isGreaterThanOrEqualTo(polls.requests() * 9 / 10);
    }
}
