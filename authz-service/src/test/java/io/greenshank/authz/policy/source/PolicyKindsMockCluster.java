package io.greenshank.authz.policy.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The fabric8 CRUD mock API server knowing every kind {@link KubernetesPolicySource#KINDS} watches, a client of it,
 * and the scheduler a source batches on.
 */
final class PolicyKindsMockCluster implements AutoCloseable {

    final KubernetesMockServer server;
    final KubernetesClient client;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    PolicyKindsMockCluster(KubernetesCrudDispatcher dispatcher) {
        server = start(dispatcher);
        client = server.createClient();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        client.close();
        server.destroy();
    }

    private static KubernetesMockServer start(KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        KubernetesPolicySource.KINDS.forEach(ctx -> server.expectCustomResource(
                new CustomResourceDefinitionContext.Builder()
                        .withGroup(ctx.getGroup()).withVersion(ctx.getVersion()).withKind(ctx.getKind())
                        .withPlural(ctx.getPlural()).withScope(ctx.isNamespaceScoped() ? "Namespaced" : "Cluster")
                        .build()));
        return server;
    }

    static GenericKubernetesResource resource(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    /** A request to the workload {@code web} in namespace {@code team}. */
    static PolicyRequest req(String path) {
        return PolicyRequest.builder().destination(new Destination("team", "web", Map.of("app", "web"), "", 80))
                .path(path).build();
    }
}
