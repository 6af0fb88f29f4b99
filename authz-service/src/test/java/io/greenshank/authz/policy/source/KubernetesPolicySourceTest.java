package io.greenshank.authz.policy.source;

import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.req;
import static io.greenshank.authz.policy.source.PolicyKindsMockCluster.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Policies from the API server (fabric8 mock server in CRUD mode) through informers, applied as they change. */
class KubernetesPolicySourceTest {

    private PolicyKindsMockCluster mock;
    private KubernetesClient client;
    private ScheduledExecutorService scheduler;
    private KubernetesPolicySource source;

    @BeforeEach
    void start() {
        mock = new PolicyKindsMockCluster(new KubernetesCrudDispatcher());
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
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
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

    @Test
    void legacyObjectsFromTheClusterAreEnforced() {
        client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(3)).resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec: {mode: 'ON'}
                """)).create();
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        source = new KubernetesPolicySource(client, store, scheduler, Duration.ofMillis(20), Duration.ofMinutes(1));
        source.start(Duration.ofMinutes(10), Duration.ofSeconds(10));
        assertThat(store.current().evaluate(req("/")).allowed()).isFalse();
        client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(1)).inNamespace("team").resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRole
                metadata: {name: all, namespace: team}
                spec: {rules: [{services: ["*"]}]}
                """)).create();
        client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(2)).inNamespace("team").resource(resource("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: everyone, namespace: team}
                spec:
                  roleRef: {kind: ServiceRole, name: all}
                  subjects: [{user: "*"}]
                """)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.current().evaluate(req("/")).allowed());
    }
}

