package io.greenshank.profiles.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.greenshank.identity.Identity;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.RejectReason;
import io.greenshank.identity.jwt.TokenRejectedException;
import io.greenshank.identity.jwt.TrustedIssuer;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.reconcile.ControllerHarness;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.sharing.KubernetesAccessReviewer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.greenshank.testing.oidc.ServiceAccountTokenClaims;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kubeflow Pipelines' machine-to-machine path, against the RBAC this controller writes. ml-pipeline's API server
 * authenticates a bearer token by TokenReview with audience {@code pipelines.kubeflow.org}
 * (kubeflow/pipelines {@code backend/src/apiserver/auth/authenticator_token_review.go}) and authorizes with a
 * SubjectAccessReview whose attributes are group {@code pipelines.kubeflow.org}, version {@code v1beta1}, a resource
 * such as {@code runs} and the namespace of the request ({@code backend/src/apiserver/common/const.go},
 * {@code RbacPipelinesGroup} and friends; {@code server/run_server.go} {@code canAccessRun}). Here the token is
 * verified by Greenshank's shared verifier as a trusted issuer (what authz-service does with the cluster's issuer),
 * and the review goes through the controller's own SAR code to a model of the API server's RBAC authorizer
 * ({@link RbacAuthorizerModel}) over the objects the controller reconciled.
 */
class PipelinesServiceAccountTest {

    static final String CLUSTER_ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String PIPELINES_AUDIENCE = "pipelines.kubeflow.org";

    static ControllerHarness harness;
    static RSAKey clusterKey;
    static JwtVerifier verifier;
    static KubernetesAccessReviewer reviewer;
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void cluster() throws Exception {
        harness = new ControllerHarness(ControllerSettings.defaults());
        // kubeflow-edit / kubeflow-view as Kubeflow aggregates them, with the Pipelines rules of kubeflow/pipelines
        // manifests/kustomize/base/installs/multi-user/view-edit-cluster-roles.yaml (aggregate-to-kubeflow-pipelines-*)
        List<String> kinds = List.of("pipelines", "pipelines/versions", "experiments", "jobs", "runs");
        List<ClusterRole> roles = List.of(
                new ClusterRoleBuilder().withNewMetadata().withName("kubeflow-edit").endMetadata()
                        .withRules(new PolicyRuleBuilder().withApiGroups(PIPELINES_AUDIENCE).withResources(kinds)
                                .withVerbs("create", "delete", "update", "archive", "unarchive", "terminate", "retry",
                                        "enable", "disable", "readArtifact", "reportMetrics", "get", "list").build())
                        .build(),
                new ClusterRoleBuilder().withNewMetadata().withName("kubeflow-view").endMetadata()
                        .withRules(new PolicyRuleBuilder().withApiGroups(PIPELINES_AUDIENCE).withResources(kinds)
                                .withVerbs("get", "list", "readArtifact").build())
                        .build());
        roles.forEach(r -> harness.client.rbac().clusterRoles().resource(r).create());
        RbacAuthorizerModel rbac = new RbacAuthorizerModel(harness.cache::roleBindingsIn, roles);
        harness.api.mockServer().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, req -> rbac.review(Serialization.unmarshal(req.getBody().readUtf8(),
                        SubjectAccessReview.class))).always();
        for (String team : List.of("team-a", "team-b")) {
            harness.client.resource(new Profile(team, new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User",
                    team + "-owner@example.com", null), null, null))).create();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("team-a", "team-b").stream().allMatch(team -> {
            Profile p = harness.client.resources(Profile.class).withName(team).get();
            return p != null && p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
        }));

        clusterKey = new RSAKeyGenerator(2048).keyID("sa-signer").generate();
        // A service-account token names the account in sub; the API server's TokenReview answers that as the user.
        verifier = JwtVerifier.builder().issuer(TrustedIssuer.of(CLUSTER_ISSUER, List.of(PIPELINES_AUDIENCE),
                        new KeySource.Inline(new JWKSet(clusterKey.toPublicJWK()).toString()))
                .withMapping(new UserIdMapping("sub", "", "groups", ""))).build();
        verifier.refreshAll();
        reviewer = new KubernetesAccessReviewer(harness.client, registry);
    }

    /** A refusal must be the authorizer's answer, not a failed review (which the reviewer also counts as "no"). */
    @org.junit.jupiter.api.AfterEach
    void everyReviewWasAnswered() {
        assertThat(registry.find("greenshank.profiles.access.reviews").tag("allowed", "error").counters()).isEmpty();
    }

    @AfterAll
    static void stop() {
        verifier.close();
        harness.close();
    }

    /** A projected token as the kubelet mounts it for {@code serviceAccountToken: {audience: …}}. */
    static String projectedToken(String namespace, String serviceAccount, String audience) throws Exception {
        JWTClaimsSet claims = JWTClaimsSet.parse(ServiceAccountTokenClaims.of(CLUSTER_ISSUER, audience, namespace,
                serviceAccount));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(clusterKey.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(clusterKey));
        return jwt.serialize();
    }

    /**
     * ml-pipeline's check: TokenReview, then a SubjectAccessReview on {@code runs} in the request's namespace for the
     * reviewed user name only ({@code GetUserIdentity} returns {@code userInfo.Username}; no groups are sent).
     */
    static boolean pipelinesAllows(String token, String verb, String namespace) throws TokenRejectedException {
        Identity caller = verifier.authenticate(token);
        Identity userOnly = new Identity(caller.user(), List.of(), caller.issuer(), caller.subject(), caller.meshPeer(),
                caller.method(), Map.of(), caller.expiresAt());
        return reviewer.allowed(userOnly, namespace, verb, PIPELINES_AUDIENCE, "runs", null);
    }

    @Test
    void theProfilesDefaultEditorTokenIsAcceptedInItsOwnNamespace() throws Exception {
        String token = projectedToken("team-a", "default-editor", PIPELINES_AUDIENCE);
        Identity caller = verifier.authenticate(token);
        assertThat(caller.user()).isEqualTo("system:serviceaccount:team-a:default-editor");
        assertThat(caller.groups()).contains("system:serviceaccounts", "system:serviceaccounts:team-a");
        assertThat(pipelinesAllows(token, "list", "team-a")).isTrue();
        assertThat(pipelinesAllows(token, "create", "team-a")).isTrue();
    }

    @Test
    void itIsRefusedInAnotherProfilesNamespace() throws Exception {
        String token = projectedToken("team-a", "default-editor", PIPELINES_AUDIENCE);
        assertThat(pipelinesAllows(token, "list", "team-b")).isFalse();
        assertThat(pipelinesAllows(token, "create", "team-b")).isFalse();
        // and team-b's own account is allowed there, so the refusal is about the namespace, not the setup
        assertThat(pipelinesAllows(projectedToken("team-b", "default-editor", PIPELINES_AUDIENCE), "list", "team-b"))
                .isTrue();
    }

    @Test
    void theViewerMayReadButNotRunAndOtherAudiencesAreRefused() throws Exception {
        String viewer = projectedToken("team-a", "default-viewer", PIPELINES_AUDIENCE);
        assertThat(pipelinesAllows(viewer, "list", "team-a")).isTrue();
        assertThat(pipelinesAllows(viewer, "create", "team-a")).isFalse();
        // the pod's ordinary API token (audience the API server's) is not a Pipelines credential
        String apiToken = projectedToken("team-a", "default-editor", "https://kubernetes.default.svc");
        assertThatThrownBy(() -> verifier.authenticate(apiToken)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.AUDIENCE_MISMATCH));
        // a workload in the namespace without a Kubeflow binding gets nothing
        assertThat(pipelinesAllows(projectedToken("team-a", "default", PIPELINES_AUDIENCE), "list", "team-a")).isFalse();
    }
}
