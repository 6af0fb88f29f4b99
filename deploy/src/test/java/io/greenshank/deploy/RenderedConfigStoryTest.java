package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenshank.e2e.ProfileAssertions;
import io.greenshank.e2e.ScenarioDirectory;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.ForwardClientCert;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The standalone overlay as installed: its ConfigMaps and the bridge's filled-in Secret templates become the three
 * services' environment and mounted files ({@link RenderedInstall}), the packaged jars start from exactly that against
 * the embedded API server holding the rendered objects, and README's story runs through them the way it runs in a
 * cluster: alice logs in at the bridge, the ingress gateway asks authz-service (gRPC ext_authz, modelled by
 * {@code src/envoy-model}) and forwards her verified identity, profile-controller takes her profile from the gateway
 * and reconciles it, and the policy it writes is what authz-service then judges her namespace by.
 */
class RenderedConfigStoryTest extends InstalledOverlayStory {

    static final String GATEWAY = MeshClients.GATEWAY;
    String aliceToken;
    String bobToken;

    @Override
    String overlay() {
        return "overlays/standalone";
    }

    @Override
    MeshClients clients(RenderedInstall install) {
        return new MeshClients(install);
    }

    @Test
    @Order(1)
    void aliceLogsInAtTheBridgeOverHttpsAgainstTheDirectoryOverLdaps() throws Exception {
        assertThat(mesh.passwordGrant("alice", "wrong-password").statusCode()).isEqualTo(400);
        HttpResponse<String> r = mesh.passwordGrant("alice", ScenarioDirectory.ALICE_PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        aliceToken = JSON.readTree(r.body()).get("access_token").asText();
        HttpResponse<String> b = mesh.passwordGrant("bob", ScenarioDirectory.BOB_PASSWORD);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
        bobToken = JSON.readTree(b.body()).get("access_token").asText();

        JsonNode claims = MeshClients.claims(aliceToken);
        assertThat(claims.get("iss").asText()).isEqualTo(g.wiring.issuer());
        assertThat(claims.get("aud").toString()).contains("\"kubeflow\"").contains("\"kubectl\"");
        assertThat(claims.get("email").asText()).isEqualTo(ALICE);
        assertThat(claims.get("groups").toString()).contains("ml-engineers").contains("data-science");
        assertThat(claims.get("amr").toString()).isEqualTo("[\"pwd\"]");
    }

    @Test
    @Order(2)
    void theGatewayForwardsAliceAsTheBridgeVerifiedHerAndRefusesNoToken() {
        gatewayForwardsOnlyTheVerifiedUser("/kfam/v1/bindings", aliceToken, Map.of("kubeflow-userid", BOB));
    }

    @Test
    @Order(3)
    void aliceCreatesHerProfileThroughTheGatewayAndTheControllerReconcilesIt() throws Exception {
        String profile = """
                {"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"alice"},
                 "spec":{"owner":{"kind":"User","name":"%s"}}}""".formatted(ALICE);
        EnvoyOutcome.Forwarded viaGateway = forwarded(mesh.atTheGateway("POST", "/kfam/v1/profiles", aliceToken, Map.of()));
        // Not from the gateway (no mesh peer): the forged header is refused, as deploy/smoke.sh checks in a cluster.
        assertThat(mesh.kfam("POST", "/kfam/v1/profiles", viaGateway, null, profile).statusCode()).isEqualTo(401);
        HttpResponse<String> created = mesh.kfam("POST", "/kfam/v1/profiles", viaGateway, GATEWAY, profile);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        ProfileAssertions.reconciled(g.wiring.kube(), "alice", ALICE, CONVERGE);
    }

    @Test
    @Order(4)
    void bobCannotAddHimselfToAliceProfile() throws Exception {
        EnvoyOutcome.Forwarded viaGateway = forwarded(mesh.atTheGateway("POST", "/kfam/v1/bindings", bobToken,
                Map.of("kubeflow-userid", ALICE)));
        HttpResponse<String> r = mesh.kfam("POST", "/kfam/v1/bindings", viaGateway, GATEWAY, """
                {"user":{"kind":"User","name":"%s"},"referredNamespace":"alice",
                 "RoleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}}"""
                .formatted(BOB));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).get("error").asText())
                .startsWith(BOB + " may not manage contributors of profile alice");
    }

    @Test
    @Order(5)
    void authzServiceJudgesAliceNamespaceByThePolicyTheControllerWrote() {
        // Where a workload's own sidecar asks authz-service (context_extensions name the destination namespace, as
        // docs/authz-service.md, Decision, step 3): the policy comes from the API server through authz-service's
        // rendered configuration (policy.kubernetes.enabled, its RBAC'd informers).
        ConnectionManagerConfig sidecar = ConnectionManagerConfig.istioDefaults().toBuilder()
                .forwardClientCert(ForwardClientCert.APPEND_FORWARD).setCurrentClientCertUri(true)
                .localPrincipal("spiffe://cluster.local/ns/alice/sa/default-editor").build();
        Envoy notebook = Envoy.grpc(EnvoyConfig.of(sidecar, ExtAuthzConfig.grpc().timeout(Duration.ofSeconds(10))
                .contextExtensions(Map.of("greenshank.io/namespace", "alice")).build()), mesh.authzChannel);
        AtomicReference<EnvoyOutcome> alice = new AtomicReference<>();
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> {
            alice.set(notebook.handle(DownstreamRequest.get("/notebook/alice/nb1/lab").mtlsPeer(GATEWAY)
                    .header("authorization", "Bearer " + aliceToken).build()));
            return alice.get().forwarded();
        });
        assertThat(forwarded(alice.get()).upstream().headers().values("kubeflow-userid")).containsExactly(ALICE);
        EnvoyOutcome bob = notebook.handle(DownstreamRequest.get("/notebook/alice/nb1/lab").mtlsPeer(GATEWAY)
                .header("authorization", "Bearer " + bobToken).build());
        assertThat(bob.forwarded()).as("%s", bob).isFalse();
        assertThat(bob.clientResponse().status()).isEqualTo(403);
        assertThat(bob.clientResponse().headers().first("x-greenshank-reason")).hasValue("policy_no_match");
    }
}
