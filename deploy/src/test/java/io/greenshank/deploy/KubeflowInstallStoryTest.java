package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.greenshank.e2e.ProfileAssertions;
import io.greenshank.e2e.ScenarioDirectory;
import io.greenshank.envoy.EnvoyOutcome;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The kubeflow overlay as installed, and what a Kubeflow user sees of it: its rendered objects applied to the API
 * server stand-in, the three services started from exactly its containers' environment and mounts
 * ({@link RenderedInstall}: authz-service and the bridge in {@code auth}, profile-controller in {@code kubeflow}), the
 * ingress gateway calling the provider its CUSTOM policy names at the address the mesh config gives, resolved through
 * the rendered Services ({@link ClusterNetwork}); and Kubeflow's central dashboard ({@link CentralDashboard}, modelled
 * from its source) calling KFAM at {@code profiles-kfam.kubeflow:8081}, acting for users by delegation as
 * docs/profile-controller.md describes.
 */
class KubeflowInstallStoryTest extends InstalledOverlayStory {

    static final String PIPELINES_UI = "spiffe://cluster.local/ns/kubeflow/sa/ml-pipeline-ui";
    CentralDashboard dashboard;
    String aliceToken;
    String bobToken;

    @Override
    String overlay() {
        return "overlays/kubeflow";
    }

    @Override
    MeshClients clients(RenderedInstall install) {
        return new MeshClients(install, CentralDashboard.KFAM_SERVICE);
    }

    @BeforeAll
    void theDashboard() {
        dashboard = new CentralDashboard(mesh);
    }

    @Test
    @Order(0)
    void theServicesRunFromTheOverlaysOwnConfiguration() {
        assertThat(g.deploymentOf(RenderedInstall.AUTHZ).getMetadata().getNamespace()).isEqualTo("auth");
        assertThat(g.deploymentOf(RenderedInstall.BRIDGE).getMetadata().getNamespace()).isEqualTo("auth");
        assertThat(g.deploymentOf(RenderedInstall.CONTROLLER).getMetadata().getNamespace()).isEqualTo("kubeflow");
        Map<String, String> controller = g.environments.get(RenderedInstall.CONTROLLER.deployment());
        assertThat(controller).containsEntry("GREENSHANK_PROFILES_AUTHN_DELEGATION_ENABLED", "true")
                .containsEntry("GREENSHANK_PROFILES_LEADER_ELECTION_LEASE_NAMESPACE", "kubeflow");
        assertThat(controller.get("GREENSHANK_PROFILES_CONTROLLER_NAMESPACE_LABELS_FILE"))
                .as("the overlay's namespace-labels ConfigMap, mounted").endsWith("/namespace-labels.yaml")
                .satisfies(f -> assertThat(Path.of(f)).content().contains("katib.kubeflow.org/metrics-collector-injection"));
    }

    @Test
    @Order(1)
    void theGatewaysCustomPolicyNamesAProviderThatReachesAuthzServicesGrpcPort() {
        IngressExtAuthz p = mesh.provider;
        assertThat(p.provider()).isEqualTo("greenshank-authz");
        assertThat(p.service()).isEqualTo("greenshank-authz-service.auth.svc.cluster.local");
        assertThat(p.failOpen()).as("an unreachable authz-service must deny").isFalse();
        assertThat(p.timeout()).as("above authz-service's own decision bound").isGreaterThan(Duration.ofSeconds(2));
        ServicePort port = g.rendered.get(io.fabric8.kubernetes.api.model.Service.class, "auth",
                "greenshank-authz-service").getSpec().getPorts().stream().filter(x -> x.getPort() == p.port())
                .findFirst().orElseThrow();
        assertThat(port.getAppProtocol()).as("Istio must speak HTTP/2 gRPC to it").isEqualTo("grpc");
        assertThat(mesh.network.resolve(p.service(), p.port())).isEqualTo(g.wiring.authzGrpcPort());
        // The resolution is not a formality: a name or port the overlay does not render does not resolve.
        assertThatThrownBy(() -> mesh.network.resolve("greenshank-authz.auth.svc.cluster.local", p.port()))
                .hasMessageContaining("no Service greenshank-authz in namespace auth");
        assertThatThrownBy(() -> mesh.network.resolve(p.service(), 9090)).hasMessageContaining("has no port 9090");
    }

    @Test
    @Order(2)
    void theDashboardsKfamAddressIsProfileControllersKfamPort() {
        assertThat(mesh.network.resolve(CentralDashboard.KFAM_SERVICE.getHost(), CentralDashboard.KFAM_SERVICE.getPort()))
                .as("profiles-kfam.kubeflow:8081 -> profile-controller's http port")
                .isEqualTo(g.wiring.controllerPort());
        assertThatThrownBy(() -> mesh.network.resolve("profiles-kfam.auth", 8081))
                .hasMessageContaining("no Service profiles-kfam in namespace auth");
    }

    @Test
    @Order(3)
    void aliceLogsInAndTheGatewayForwardsExactlyOneVerifiedUserId() throws Exception {
        aliceToken = mesh.accessToken("alice", ScenarioDirectory.ALICE_PASSWORD);
        bobToken = mesh.accessToken("bob", ScenarioDirectory.BOB_PASSWORD);
        assertThat(MeshClients.claims(aliceToken).get("iss").asText()).isEqualTo(g.wiring.issuer());

        EnvoyOutcome.Forwarded alice = gatewayForwardsOnlyTheVerifiedUser("/", aliceToken,
                Map.of("kubeflow-userid", BOB, "x-auth-request-email", BOB));
        assertThat(alice.upstream().headers().values("kubeflow-groups")).singleElement().asString()
                .contains("ml-engineers");
        assertThat(alice.upstream().headers().values("x-auth-request-email")).as("oauth2-proxy's header").isEmpty();
    }

    @Test
    @Order(4)
    void theDashboardRegistersAliceAndTheControllerReconcilesHerProfile() throws Exception {
        // GET /api/workgroup/exists: what the dashboard asks KFAM for the user the gateway named.
        String user = forwarded(mesh.atTheGateway("GET", "/api/workgroup/exists", aliceToken, Map.of()))
                .upstream().headers().first("kubeflow-userid").orElseThrow();
        HttpResponse<String> admin = dashboard.isClusterAdmin(user);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("false");
        HttpResponse<String> none = dashboard.readBindings(user);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(JSON.readTree(none.body()).path("bindings")).isEmpty();

        // POST /api/workgroup/create: registration.
        HttpResponse<String> created = dashboard.createProfile("alice", user);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        ProfileAssertions.reconciled(g.wiring.kube(), "alice", ALICE, CONVERGE);
        Namespace ns = g.wiring.kube().namespaces().withName("alice").get();
        assertThat(ns.getMetadata().getLabels()).as("the overlay's namespace-labels.yaml")
                .containsEntry("katib.kubeflow.org/metrics-collector-injection", "enabled")
                .containsEntry("pipelines.kubeflow.org/enabled", "true");

        // The dashboard now finds her namespace, with her as its owner ("hasWorkgroup").
        JsonNode owned = JSON.readTree(dashboard.readBindings(user).body()).path("bindings");
        assertThat(owned).singleElement().satisfies(b -> {
            assertThat(b.at("/referredNamespace").asText()).isEqualTo("alice");
            assertThat(b.at("/RoleRef/name").asText()).isEqualTo("admin");
            assertThat(b.at("/subject/name").asText()).isEqualTo(ALICE);
        });
    }

    @Test
    @Order(5)
    void aliceAddsBobThroughTheDashboardAndBobCannotAddHimself() throws Exception {
        EnvoyOutcome.Forwarded alice = forwarded(mesh.atTheGateway("POST",
                "/api/workgroup/add-contributor/alice", aliceToken, Map.of()));
        HttpResponse<String> added = dashboard.addContributor(alice, "alice", BOB);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        List<RoleBinding> bobs = g.wiring.kube().rbac().roleBindings().inNamespace("alice").list().getItems().stream()
                .filter(b -> BOB.equals(userOf(b))).toList();
        assertThat(bobs).singleElement().satisfies(b -> assertThat(b.getRoleRef().getName()).isEqualTo("kubeflow-edit"));
        JsonNode contributors = JSON.readTree(dashboard.contributors("alice").body()).path("bindings");
        assertThat(contributors.findValuesAsText("name")).contains(BOB);

        EnvoyOutcome.Forwarded bob = forwarded(mesh.atTheGateway("POST", "/api/workgroup/add-contributor/alice",
                bobToken, Map.of("kubeflow-userid", ALICE)));
        HttpResponse<String> selfAdd = dashboard.addContributor(bob, "alice", "eve@example.test");
        assertThat(selfAdd.statusCode()).as(selfAdd.body()).isEqualTo(403);
    }

    @Test
    @Order(6)
    void onlyTheDashboardMayActForUsersAndOnlyForReads() throws Exception {
        // The dashboard without a user header may read and register, never change a binding (docs/profile-controller.md).
        HttpResponse<String> delegatedWrite = dashboard.addContributor(null, "alice", "eve@example.test");
        assertThat(delegatedWrite.statusCode()).as(delegatedWrite.body()).isEqualTo(401);
        assertThat(delegatedWrite.body()).contains("must forward the user's identity header");

        // Another workload is neither a delegate nor trusted with the user header; nor is a caller without a peer.
        assertThat(mesh.kfam("GET", "/kfam/v1/bindings?user=" + ALICE, Map.of(), PIPELINES_UI, null).statusCode())
                .isEqualTo(401);
        assertThat(mesh.kfam("GET", "/kfam/v1/bindings?namespace=alice", Map.of("kubeflow-userid", ALICE),
                PIPELINES_UI, null).statusCode()).isEqualTo(401);
        assertThat(mesh.kfam("GET", "/kfam/v1/bindings?namespace=alice", Map.of("kubeflow-userid", ALICE), null,
                null).statusCode()).isEqualTo(401);
        assertThat(g.wiring.kube().rbac().roleBindings().inNamespace("alice").list().getItems())
                .noneMatch(b -> "eve@example.test".equals(userOf(b)));
    }

    private static String userOf(RoleBinding b) {
        return b.getMetadata().getAnnotations() == null ? null : b.getMetadata().getAnnotations().get("user");
    }

}
