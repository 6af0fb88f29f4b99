package io.greenshank.authz.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.greenshank.authz.envoy.DocumentedEnvoy;
import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyOutcome;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.greenshank.testing.oidc.ServiceAccountTokenClaims;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kubeflow Pipelines machine-to-machine, through authz-service as the sidecar of Pipelines' API server: a profile's
 * {@code default-editor} pod calls ml-pipeline with its projected service-account token (audience
 * {@code pipelines.kubeflow.org}, as Kubeflow's notebooks mount it for the KFP SDK). The shipped Pipelines route table
 * takes the namespace from the query string and has it reviewed by RBAC, with the review answered over the bindings
 * profile-controller writes ({@link ProfileRbac}); ml-pipeline does the same review itself
 * (kubeflow/pipelines {@code backend/src/apiserver/resource/resource_manager.go} {@code IsAuthorized}, attributes from
 * {@code backend/src/apiserver/common/const.go}). Every verdict is taken through the Envoy model, both protocols.
 */
@QuarkusTest
@TestProfile(PipelinesProfile.class)
@WithKubernetesTestServer(crud = false)
class PipelinesServiceAccountTest {

    private static final ProfileRbac RBAC = new ProfileRbac(List.of("team-a", "team-b"));
    private static boolean reviewsAnswered;

    @TestHTTPResource("/")
    URL base;

    @KubernetesTestServer
    KubernetesServer kubernetes;

    @ConfigProperty(name = "test.cluster.signer-file")
    String signerFile;

    final HttpClient http = HttpClient.newHttpClient();
    ManagedChannel channel;
    Map<String, Envoy> envoys;

    @BeforeEach
    void connect() {
        if (!reviewsAnswered) {
            kubernetes.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                    .andReply(201, req -> RBAC.review(Serialization.unmarshal(req.getBody().readUtf8(),
                            SubjectAccessReview.class))).always();
            reviewsAnswered = true;
        }
        channel = NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build();
        envoys = DocumentedEnvoy.both(DocumentedEnvoy.istio(), channel, base, DocumentedEnvoy.httpFilter());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A projected token as the kubelet mounts it for {@code serviceAccountToken: {audience: …}}. */
    String projectedToken(String namespace, String serviceAccount, String audience) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(signerFile)));
        JWTClaimsSet claims = JWTClaimsSet.parse(ServiceAccountTokenClaims.of(ClusterIssuerResource.ISSUER, audience,
                namespace, serviceAccount));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** A pod of {@code namespace} calling ml-pipeline over the mesh with its Pipelines token. */
    DownstreamRequest fromPod(String namespace, String serviceAccount, String target) throws Exception {
        return DownstreamRequest.get(target).authority("ml-pipeline.kubeflow.svc.cluster.local:8888")
                .mtlsPeer("spiffe://cluster.local/ns/" + namespace + "/sa/" + serviceAccount)
                .header("authorization", "Bearer " + projectedToken(namespace, serviceAccount,
                        ClusterIssuerResource.PIPELINES_AUDIENCE)).build();
    }

    static String reason(ClientResponse r) {
        return r.headers().first("x-greenshank-reason").orElse("");
    }

    void assertForwarded(DownstreamRequest request) {
        envoys.forEach((protocol, envoy) -> {
            EnvoyOutcome outcome = envoy.handle(request);
            assertThat(outcome.forwarded()).as(protocol + ": " + outcome).isTrue();
        });
    }

    void assertRefused(DownstreamRequest request, int status, String reason) {
        envoys.forEach((protocol, envoy) -> {
            EnvoyOutcome outcome = envoy.handle(request);
            assertThat(outcome.forwarded()).as(protocol).isFalse();
            assertThat(outcome.clientResponse().status()).as(protocol).isEqualTo(status);
            assertThat(reason(outcome.clientResponse())).as(protocol).isEqualTo(reason);
        });
    }

    @Test
    void theDefaultEditorTokenIsAcceptedForItsOwnNamespace() throws Exception {
        RBAC.reviews.clear();
        assertForwarded(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-a&page_size=10"));
        assertForwarded(fromPod("team-a", "default-editor", "/apis/v2beta1/experiments?namespace=team-a"));
        assertForwarded(fromPod("team-a", "default-editor",
                "/apis/v1beta1/runs?resource_reference_key.type=NAMESPACE&resource_reference_key.id=team-a"));
        SubjectAccessReview first = RBAC.reviews.get(0);
        assertThat(first.getSpec().getUser()).isEqualTo("system:serviceaccount:team-a:default-editor");
        assertThat(first.getSpec().getGroups()).contains("system:serviceaccounts", "system:serviceaccounts:team-a");
        assertThat(first.getSpec().getResourceAttributes()).satisfies(ra -> {
            assertThat(ra.getGroup()).isEqualTo("pipelines.kubeflow.org");
            assertThat(ra.getVersion()).isEqualTo("v1beta1");
            assertThat(ra.getResource()).isEqualTo("runs");
            assertThat(ra.getVerb()).isEqualTo("list");
            assertThat(ra.getNamespace()).isEqualTo("team-a");
        });
    }

    @Test
    void itIsRefusedInAnotherProfilesNamespace() throws Exception {
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-b"), 403, "rbac_denied");
        assertRefused(fromPod("team-a", "default-editor",
                "/apis/v1beta1/experiments?resource_reference_key.type=NAMESPACE&resource_reference_key.id=team-b"),
                403, "rbac_denied");
        // team-b's own account is allowed there: the refusal is about the namespace, not the setup
        assertForwarded(fromPod("team-b", "default-editor", "/apis/v2beta1/runs?namespace=team-b"));
    }

    @Test
    void aNamespaceThatCannotBeReadUnambiguouslyIsRefusedNotGuessed() throws Exception {
        RBAC.reviews.clear();
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-a&namespace=team-b"),
                400, "query_parameter_repeated");
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-b&namespace=team-a"),
                400, "query_parameter_repeated");
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-a&%6eamespace=team-b"),
                400, "query_parameter_repeated");
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?page_size=10"),
                400, "query_parameter_missing");
        assertRefused(fromPod("team-a", "default-editor", "/apis/v2beta1/runs?namespace=team-%zz"),
                400, "query_parameter_invalid");
        assertThat(RBAC.reviews).as("nothing was reviewed for a request that could not be read").isEmpty();

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("greenshank_policy_decisions_total{action=\"query_parameter_repeated\"",
                "greenshank_policy_decisions_total{action=\"query_parameter_missing\"",
                "greenshank_policy_decisions_total{action=\"query_parameter_invalid\"");
        HttpResponse<String> explained = http.send(HttpRequest.newBuilder(URI.create(base + "explain"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"system:serviceaccount:team-a:default-editor\",\"method\":\"GET\","
                                + "\"path\":\"/apis/v2beta1/runs?namespace=team-a&namespace=team-b\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(explained.body()).as("explain says what the Check does").contains("\"status\":400",
                "\"reason\":\"query_parameter_repeated\"");
    }

    @Test
    void otherAccountsAndAudiencesGetWhatKubeflowGivesThem() throws Exception {
        // the viewer may list, and a workload without a Kubeflow binding gets nothing
        assertForwarded(fromPod("team-a", "default-viewer", "/apis/v2beta1/runs?namespace=team-a"));
        assertRefused(fromPod("team-a", "default", "/apis/v2beta1/runs?namespace=team-a"), 403, "rbac_denied");
        // the pod's ordinary API token (audience the API server's) is not a Pipelines credential
        DownstreamRequest apiToken = DownstreamRequest.get("/apis/v2beta1/runs?namespace=team-a")
                .mtlsPeer("spiffe://cluster.local/ns/team-a/sa/default-editor").header("authorization", "Bearer "
                        + projectedToken("team-a", "default-editor", "https://kubernetes.default.svc")).build();
        envoys.forEach((protocol, envoy) -> {
            ClientResponse r = envoy.handle(apiToken).clientResponse();
            assertThat(r.status()).as(protocol).isEqualTo(401);
            assertThat(reason(r)).as(protocol).isEqualTo("audience_mismatch");
        });
    }
}
