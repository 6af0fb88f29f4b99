package io.greenshank.authz.policy.source;

import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.req;
import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster on Istio 1.6 or later has no rbac.istio.io CRDs: the API server answers 404 to their lists. The source
 * must still sync (readiness depends on it), serve AuthorizationPolicies, and start watching a legacy kind whose CRD
 * is installed later.
 */
class KubernetesPolicySourceWithoutLegacyCrdsTest {

    private static final String LEGACY_GROUP_PATH = "/apis/rbac.istio.io/";

    /**
     * The fabric8 CRUD mock answers any path with an empty list. kube-apiserver answers 404 for a resource with no
     * CRD: apiextensions-apiserver's crdHandler.ServeHTTP
     * (staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/customresource_handler.go) finds no CRD for the
     * request and hands it to its delegate, the NotFound handler. This dispatcher answers a path under a refused
     * prefix with that prefix's status (404 for rbac.istio.io until the test installs its CRDs).
     */
    private static final class ClusterWithoutLegacyCrds extends KubernetesCrudDispatcher {
        final Map<String, Integer> refused = new ConcurrentHashMap<>(Map.of(LEGACY_GROUP_PATH, 404));
        final AtomicInteger refusals = new AtomicInteger();

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

    private ClusterWithoutLegacyCrds cluster;
    private PolicyKindsMockCluster mock;
    private KubernetesClient client;
    private ScheduledExecutorService scheduler;
    private KubernetesPolicySource source;
    private final PolicyStore store = new PolicyStore("istio-system", "cluster.local");

    @BeforeEach
    void start() {
        cluster = new ClusterWithoutLegacyCrds();
        mock = new PolicyKindsMockCluster(cluster);
        client = mock.client;
        scheduler = mock.scheduler;
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        mock.close();
    }

    private static ResourceDefinitionContext kind(String plural) {
        return KubernetesPolicySource.KINDS.stream().filter(k -> k.getPlural().equals(plural)).findFirst()
                .orElseThrow();
    }

    private void startSource(Duration absentRecheck, Duration initialSyncTimeout) {
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofMillis(20), absentRecheck);
        source.start(Duration.ofMinutes(10), initialSyncTimeout);
    }

    @Test
    void missingLegacyKindsCountAsSyncedAndEmptyWhileAuthorizationPoliciesAreServed() {
        client.genericKubernetesResources(kind("authorizationpolicies")).inNamespace("team").resource(resource("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: allow-api, namespace: team}
                spec:
                  rules: [{to: [{operation: {paths: ["/api/*"]}}]}]
                """)).create();

        startSource(Duration.ofMinutes(1), Duration.ofSeconds(10));

        assertThat(cluster.refusals.get()).as("the API server was asked for the legacy kinds").isGreaterThan(0);
        assertThat(source.synced()).as("ready although three of four kinds are not served").isTrue();
        assertThat(source.absentKinds()).containsExactly("serviceroles.rbac.istio.io",
                "servicerolebindings.rbac.istio.io", "clusterrbacconfigs.rbac.istio.io");
        assertThat(store.current().evaluate(req("/api/x")).allowed()).isTrue();
        assertThat(store.current().evaluate(req("/x")).allowed()).as("the AuthorizationPolicy is enforced").isFalse();
    }

    @Test
    void aLegacyKindWhoseCrdIsInstalledLaterIsWatchedFromThen() {
        startSource(Duration.ofMillis(100), Duration.ofSeconds(10));
        assertThat(source.synced()).isTrue();
        assertThat(store.current().evaluate(req("/")).allowed()).as("no policy at all").isTrue();

        cluster.refused.clear();
        client.genericKubernetesResources(kind("clusterrbacconfigs")).resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec: {mode: 'ON'}
                """)).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> !store.current().evaluate(req("/")).allowed());
        await().atMost(Duration.ofSeconds(10)).until(() -> source.absentKinds().isEmpty());
        assertThat(source.synced()).isTrue();

        client.genericKubernetesResources(kind("serviceroles")).inNamespace("team").resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRole
                metadata: {name: all, namespace: team}
                spec: {rules: [{services: ["*"]}]}
                """)).create();
        client.genericKubernetesResources(kind("servicerolebindings")).inNamespace("team").resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: everyone, namespace: team}
                spec:
                  roleRef: {kind: ServiceRole, name: all}
                  subjects: [{user: "*"}]
                """)).create();
        await("changes after the late start are watched").atMost(Duration.ofSeconds(10))
                .until(() -> store.current().evaluate(req("/")).allowed());
    }

    @Test
    void aListRefusedForAnotherReasonIsNotTakenForAMissingCrd() {
        // 403: authz-service's RBAC not bound yet. Readiness must stay down, not hide the kind as empty.
        cluster.refused.clear();
        cluster.refused.put("/apis/security.istio.io/", 403);
        startSource(Duration.ofMinutes(1), Duration.ofSeconds(1));
        assertThat(source.absentKinds()).isEmpty();
        assertThat(source.synced()).isFalse();

        cluster.refused.clear();
        await("the informer retries and syncs once allowed").atMost(Duration.ofSeconds(30))
                .until(source::synced);
    }
}
