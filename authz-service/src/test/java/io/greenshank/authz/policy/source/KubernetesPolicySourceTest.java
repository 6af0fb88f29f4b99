package io.greenshank.authz.policy.source;

import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.req;
import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Policies from the API server (fabric8 mock server in CRUD mode) through informers, applied as they change. */
class KubernetesPolicySourceTest {

    private static final String LEGACY_GROUP_PATH = "/apis/rbac.istio.io/";

    private PolicyKindsMockCluster mock;
    private KubernetesClient client;
    private ScheduledExecutorService scheduler;
    private KubernetesPolicySource source;
    private final PolicyStore store = new PolicyStore("istio-system", "cluster.local");

    @BeforeEach
    void start() {
        mock = new PolicyKindsMockCluster();
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

    @Test
    void policiesCreatedUpdatedAndDeletedInTheClusterApplyWithoutRestart() {
        var ap = client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(0));
        ap.inNamespace("team").resource(resource("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: allow-api, namespace: team}
                spec:
                  rules: [{to: [{operation: {paths: ["/api/*"]}}]}]
                """)).create();
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofMillis(20), Duration.ofMinutes(1));
        source.start(Duration.ofMinutes(10), Duration.ofSeconds(10));
        assertThat(source.synced()).isTrue();
        assertThat(store.current().evaluate(req("/api/x")).allowed()).as("listed at start").isTrue();
        assertThat(store.current().evaluate(req("/x")).allowed()).isFalse();

        ap.inNamespace("team").resource(resource("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: deny-secret, namespace: team}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/api/secret"]}}]}]
                """)).create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !store.current().evaluate(req("/api/secret")).allowed());

        ap.inNamespace("team").withName("allow-api").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.current().evaluate(req("/x")).allowed());
    }

    /**
     * Three policies written 600 ms apart with a batch delay of 1 s are one generation: the window waits for a quiet
     * batch delay. A window fixed from the first change published the first two without the third.
     */
    @Test
    void changesLessThanTheBatchDelayApartBecomeOneGeneration() throws InterruptedException {
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofSeconds(1), Duration.ofMinutes(1));
        source.start(Duration.ofMinutes(10), Duration.ofSeconds(10));
        long before = store.current().generation();
        var ap = client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(0)).inNamespace("team");
        for (String name : List.of("a", "b", "c")) {
            ap.resource(resource("""
                    apiVersion: security.istio.io/v1beta1
                    kind: AuthorizationPolicy
                    metadata: {name: allow-%s, namespace: team}
                    spec:
                      rules: [{to: [{operation: {paths: ["/%s/*"]}}]}]
                    """.formatted(name, name))).create();
            TimeUnit.MILLISECONDS.sleep(600);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.current().authorizationPolicies().size() == 3);
        assertThat(store.current().generation()).as("generations published for one burst").isEqualTo(before + 1);
        assertThat(store.current().evaluate(req("/c/x")).allowed()).isTrue();
        assertThat(store.current().evaluate(req("/x")).allowed()).isFalse();
    }

    @Test
    void legacyObjectsFromTheClusterAreEnforced() {
        client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(3)).resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec: {mode: 'ON'}
                """)).create();
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofMillis(20), Duration.ofMinutes(1));
        source.start(Duration.ofMinutes(10), Duration.ofSeconds(10));
        assertThat(store.current().evaluate(req("/")).allowed()).isFalse();
        allowEveryoneInTeam();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.current().evaluate(req("/")).allowed());
    }

    /** A ServiceRole allowing every service in namespace team, bound to every user. */
    private void allowEveryoneInTeam() {
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
    }

    private static ResourceDefinitionContext kind(String plural) {
        return KubernetesPolicySource.KINDS.stream().filter(k -> k.getPlural().equals(plural)).findFirst()
                .orElseThrow();
    }

    private void startSource(Duration absentRecheck, Duration initialSyncTimeout) {
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofMillis(20), absentRecheck);
        source.start(Duration.ofMinutes(10), initialSyncTimeout);
    }

    // A cluster on Istio 1.6 or later has no rbac.istio.io CRDs: the API server answers 404 to their lists. The source
    // must still sync (readiness depends on it), serve AuthorizationPolicies, and watch a legacy kind whose CRD is
    // installed later.

    @Test
    void missingLegacyKindsCountAsSyncedAndEmptyWhileAuthorizationPoliciesAreServed() {
        mock.refused.put(LEGACY_GROUP_PATH, 404);
        client.genericKubernetesResources(kind("authorizationpolicies")).inNamespace("team").resource(resource("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: allow-api, namespace: team}
                spec:
                  rules: [{to: [{operation: {paths: ["/api/*"]}}]}]
                """)).create();

        startSource(Duration.ofMinutes(1), Duration.ofSeconds(10));

        assertThat(mock.refusals.get()).as("the API server was asked for the legacy kinds").isGreaterThan(0);
        assertThat(source.synced()).as("ready although three of four kinds are not served").isTrue();
        assertThat(source.absentKinds()).containsExactly("serviceroles.rbac.istio.io",
                "servicerolebindings.rbac.istio.io", "clusterrbacconfigs.rbac.istio.io");
        assertThat(store.current().evaluate(req("/api/x")).allowed()).isTrue();
        assertThat(store.current().evaluate(req("/x")).allowed()).as("the AuthorizationPolicy is enforced").isFalse();
    }

    @Test
    void aLegacyKindWhoseCrdIsInstalledLaterIsWatchedFromThen() {
        mock.refused.put(LEGACY_GROUP_PATH, 404);
        startSource(Duration.ofMillis(100), Duration.ofSeconds(10));
        assertThat(source.synced()).isTrue();
        assertThat(store.current().evaluate(req("/")).allowed()).as("no policy at all").isTrue();

        mock.refused.clear();
        client.genericKubernetesResources(kind("clusterrbacconfigs")).resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec: {mode: 'ON'}
                """)).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> !store.current().evaluate(req("/")).allowed());
        await().atMost(Duration.ofSeconds(10)).until(() -> source.absentKinds().isEmpty());
        assertThat(source.synced()).isTrue();

        allowEveryoneInTeam();
        await("changes after the late start are watched").atMost(Duration.ofSeconds(10))
                .until(() -> store.current().evaluate(req("/")).allowed());
    }

    @Test
    void aListRefusedForAnotherReasonIsNotTakenForAMissingCrd() {
        // 403: authz-service's RBAC not bound yet. Readiness must stay down, not hide the kind as empty.
        mock.refused.put("/apis/security.istio.io/", 403);
        startSource(Duration.ofMinutes(1), Duration.ofSeconds(1));
        assertThat(source.absentKinds()).isEmpty();
        assertThat(source.synced()).isFalse();

        mock.refused.clear();
        await("the informer retries and syncs once allowed").atMost(Duration.ofSeconds(30))
                .until(source::synced);
    }
}
