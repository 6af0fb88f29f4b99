package io.greenshank.profiles.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code greenshank.profiles.api-server=external}: the client the controller builds for a configured cluster (here an
 * API server outside the application, reached only through {@code quarkus.kubernetes-client.api-server-url}).
 * Regression: the producer asked CDI for an {@code HttpClient.Factory}, which the Quarkus extension never registers,
 * so the application could not start against any real cluster.
 */
@QuarkusTest
@TestProfile(ExternalApiServerTest.External.class)
class ExternalApiServerTest {

    /** The "cluster": an API server the application did not start. */
    public static class Cluster implements QuarkusTestResourceLifecycleManager {
        static volatile EmbeddedApiServer server;

        @Override
        public Map<String, String> start() {
            server = EmbeddedApiServer.start();
            return Map.of("greenshank.profiles.api-server", "external",
                    "quarkus.kubernetes-client.api-server-url", server.url());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    public static class External implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Cluster.class));
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    KubernetesClientProducer producer;

    @Test
    void theControllerTalksToTheConfiguredApiServerAndReconcilesThere() {
        assertThat(producer.embedded()).as("no in-process server of its own").isEmpty();
        assertThat(client.getMasterUrl().toString()).startsWith(Cluster.server.url());

        try (KubernetesClient outside = Cluster.server.newClient()) {
            GenericKubernetesResource profile = new GenericKubernetesResourceBuilder()
                    .withApiVersion("kubeflow.org/v1").withKind("Profile")
                    .withNewMetadata().withName("ext-team").endMetadata()
                    .addToAdditionalProperties("spec", Map.of("owner", Map.of("kind", "User", "name", "ext@example.com")))
                    .build();
            outside.genericKubernetesResources("kubeflow.org/v1", "Profile").resource(profile).create();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Namespace ns = outside.namespaces().withName("ext-team").get();
                assertThat(ns).isNotNull();
                assertThat(ns.getMetadata().getAnnotations()).containsEntry("owner", "ext@example.com");
            });
        }
    }
}
