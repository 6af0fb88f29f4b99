package io.greenshank.authz.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenshank.authz.policy.source.PolicyKindsMockCluster;
import io.greenshank.testing.net.FaultProxy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kubernetes API server as authz-service meets it: fabric8's CRUD mock serving (and watching) the policy kinds,
 * plus SubjectAccessReviews answered by a fixed RBAC rule, reached only through a {@link FaultProxy}. The test (another
 * class loader) drives the proxy through {@code /control/<refuse|black-hole|restore>} and reads the number of reviews
 * from {@code /control/reviews}, both on the mock's own port, which the proxy does not front.
 */
final class ApiServerStandIn implements AutoCloseable {

    /** The only user RBAC lets read notebooks; every other user is denied. */
    static final String RBAC_ALLOWED_USER = "alice@corp.test";
    static final String SAR_PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong reviews = new AtomicLong();
    private final KubernetesMockServer server;
    private final FaultProxy proxy;

    ApiServerStandIn() {
        server = PolicyKindsMockCluster.start(new Dispatcher());
        proxy = FaultProxy.toLoopback(server.getPort());
    }

    /** What the sidecar is configured with: the proxy. */
    String proxiedUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    /** The mock itself, for the test's writes and the control routes. */
    String directUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        proxy.close();
        server.destroy();
    }

    private final class Dispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (path.startsWith("/control/apply/")) {
                return apply(PolicyChurn.valueOf(path.substring("/control/apply/".length())));
            }
            if (path.startsWith("/control/")) {
                return control(path.substring("/control/".length()));
            }
            if (path.startsWith(SAR_PATH) && "POST".equals(request.getMethod())) {
                reviews.incrementAndGet();
                return review(request.getUtf8Body());
            }
            return super.dispatch(request);
        }

        /**
         * Replaces the set's ALLOW and DENY one right after the other, so their watch events leave together, as a
         * {@code kubectl apply} of both would send them, without this test's own client latency in between.
         */
        private synchronized MockResponse apply(PolicyChurn set) {
            for (String yaml : List.of(set.allowYaml(), set.denyYaml())) {
                GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
                String path = "/apis/security.istio.io/v1beta1/namespaces/" + r.getMetadata().getNamespace()
                        + "/authorizationpolicies/" + r.getMetadata().getName();
                MockResponse put = super.dispatch(new RecordedRequest("PUT " + path + " HTTP/1.1", HttpMethod.PUT, path,
                        Headers.builder().add("Content-Type", "application/json").build(),
                        new Buffer().writeUtf8(Serialization.asJson(r))));
                if (put.code() != 200) {
                    return put;
                }
            }
            return new MockResponse().setResponseCode(200).setBody("{\"applied\":\"" + set + "\"}");
        }
    }

    private MockResponse control(String action) {
        switch (action) {
            case "refuse" -> proxy.refuse();
            case "black-hole" -> proxy.blackHole();
            case "restore" -> proxy.restore();
            case "reviews" -> {
                return new MockResponse().setResponseCode(200).setBody(Long.toString(reviews.get()));
            }
            default -> {
                return new MockResponse().setResponseCode(404).setBody("unknown control " + action);
            }
        }
        return new MockResponse().setResponseCode(200).setBody("{\"mode\":\"" + proxy.mode() + "\"}");
    }

    /** RBAC as a one-line rule: {@link #RBAC_ALLOWED_USER} may get notebooks, nobody else may do anything. */
    private static MockResponse review(String body) {
        try {
            JsonNode spec = JSON.readTree(body).path("spec");
            boolean allowed = RBAC_ALLOWED_USER.equals(spec.path("user").asText())
                    && "notebooks".equals(spec.path("resourceAttributes").path("resource").asText())
                    && "get".equals(spec.path("resourceAttributes").path("verb").asText());
            Map<String, Object> answer = Map.of("apiVersion", "authorization.k8s.io/v1", "kind", "SubjectAccessReview",
                    "spec", spec, "status", Map.of("allowed", allowed, "reason", allowed ? "RBAC: allowed by the test" : ""));
            return new MockResponse().setResponseCode(201).setBody(JSON.writeValueAsString(answer));
        } catch (Exception e) {
            return new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"code\":400}");
        }
    }
}
