package io.greenshank.profiles.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Unreachable or failing API servers mean "no", never a crash or a grant. */
class FailClosedTest {

    static final Identity WHO = new Identity("u@example.com", List.of("g"), Optional.empty(), Optional.empty(),
            Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());

    static KubernetesClient unreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(500).withRequestTimeout(500).build()).build();
    }

    @Test
    void anUnreachableApiServerDeniesAccessReviewsAndCountsThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KubernetesClient client = unreachable()) {
            assertThat(new KubernetesAccessReviewer(client, registry).allowed(WHO, "ns", "create",
                    "rbac.authorization.k8s.io", "rolebindings", null)).isFalse();
        }
        assertThat(registry.find("greenshank.profiles.access.reviews").tag("allowed", "error").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aFailingAccessReviewIsADenial() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient client = api.newClient()) {
            api.mockServer().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                    .andReturn(403, Map.of("kind", "Status", "code", 403, "message", "forbidden")).always();
            assertThat(new KubernetesAccessReviewer(client, registry).allowed(WHO, "ns", "create",
                    "rbac.authorization.k8s.io", "rolebindings", null)).isFalse();
        }
    }

    @Test
    void theCacheRefusesToStartWithoutAnApiServer() throws Exception {
        try (KubernetesClient client = unreachable()) {
            ClusterCache cache = new ClusterCache(client, IstioSettings.KUBEFLOW_DEFAULT, new SubjectKeys(true), Duration.ofMinutes(1));
            assertThatThrownBy(() -> cache.start(Duration.ofSeconds(3)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("informers did not sync");
        }
    }
}
