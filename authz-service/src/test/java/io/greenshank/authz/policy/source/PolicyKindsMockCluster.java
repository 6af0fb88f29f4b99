package io.greenshank.authz.policy.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fabric8 CRUD mock API server knowing every kind {@link KubernetesPolicySource#KINDS} watches, a client of it,
 * and the scheduler a source batches on.
 */
public final class PolicyKindsMockCluster implements AutoCloseable {

    /** Path prefix to the status every request under it gets instead of the CRUD answer. */
    final Map<String, Integer> refused = new ConcurrentHashMap<>();
    final AtomicInteger refusals = new AtomicInteger();
    final KubernetesMockServer server;
    final KubernetesClient client;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    PolicyKindsMockCluster() {
        server = start(new Refusing());
        client = server.createClient();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        client.close();
        server.destroy();
    }

    /**
     * The CRUD mock answers any path with an empty list. kube-apiserver answers 404 for a resource with no CRD:
     * apiextensions-apiserver's crdHandler.ServeHTTP
     * (staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/customresource_handler.go) finds no CRD for the
     * request and hands it to its delegate, the NotFound handler. A test models a missing CRD by refusing its group's
     * path with 404 (or another failure with its status).
     */
    private final class Refusing extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            for (Map.Entry<String, Integer> r : refused.entrySet()) {
                if (request.getPath().startsWith(r.getKey())) {
                    refusals.incrementAndGet();
                    return new MockResponse().setResponseCode(r.getValue()).setBody("""
                            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                            "message":"refused by the test","code":%d}""".formatted(r.getValue()));
                }
            }
            return super.dispatch(request);
        }
    }

    /** A started mock API server answering with {@code dispatcher} and serving every watched policy kind. */
    public static KubernetesMockServer start(KubernetesCrudDispatcher dispatcher) {
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
