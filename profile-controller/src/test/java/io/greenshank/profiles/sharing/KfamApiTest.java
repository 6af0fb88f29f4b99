package io.greenshank.profiles.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.app.KubernetesClientProducer;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KfamApiTest {

    static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    static final String XFCC = "By=spiffe://cluster.local/ns/kubeflow/sa/profiles;Hash=ab12;Subject=\"\";URI=" + GATEWAY;

    @Inject
    KubernetesClient k;
    @Inject
    KubernetesClientProducer producer;

    EmbeddedApiServer api;

    @BeforeEach
    void embedded() {
        api = producer.embedded().orElseThrow();
    }

    static RequestSpecification as(String user, String... groups) {
        RequestSpecification r = given().header("kubeflow-userid", user).header("x-forwarded-client-cert", XFCC)
                .contentType(ContentType.JSON);
        return groups.length == 0 ? r : r.header("kubeflow-groups", String.join(",", groups));
    }

    static Map<String, Object> profileBody(String name, String owner) {
        return Map.of("apiVersion", "kubeflow.org/v1", "kind", "Profile", "metadata", Map.of("name", name),
                "spec", Map.of("owner", Map.of("kind", "User", "name", owner)));
    }

    static Map<String, Object> binding(String kind, String name, String ns, String role) {
        return Map.of("user", Map.of("kind", kind, "name", name), "referredNamespace", ns,
                "RoleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", role));
    }

    void profileReady(String name, String owner) {
        as(owner).body(profileBody(name, owner)).post("/kfam/v1/profiles").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Profile p = k.resources(Profile.class).withName(name).get();
            return p != null && p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
        });
    }

    GenericKubernetesResource policy(String ns, String name) {
        return k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace(ns).withName(name).get();
    }

    List<RoleBinding> contributorBindings(String ns) {
        return k.rbac().roleBindings().inNamespace(ns).list().getItems().stream()
                .filter(rb -> rb.getMetadata().getName().contains("-clusterrole-")).toList();
    }

    // ---- authentication refusals ----------------------------------------------------------------------------------

    @Test
    void refusesCallersThatAreNotAuthenticated() {
        given().get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("kubeflow-userid"));
        given().header("kubeflow-userid", "alice@example.com").get("/kfam/v1/bindings")
                .then().statusCode(401).body("error", containsString("x-forwarded-client-cert"));
        given().header("kubeflow-userid", "alice@example.com")
                .header("x-forwarded-client-cert", "URI=spiffe://cluster.local/ns/evil/sa/attacker")
                .get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("not a trusted principal"));
        // An earlier hop naming the gateway does not help: only the last hop is the peer.
        given().header("kubeflow-userid", "alice@example.com")
                .header("x-forwarded-client-cert", "URI=" + GATEWAY + ",URI=spiffe://cluster.local/ns/evil/sa/attacker")
                .get("/kfam/v1/bindings").then().statusCode(401);
        given().header("kubeflow-userid", "alice@example.com").header("x-forwarded-client-cert", "URI=\"unterminated")
                .get("/kfam/v1/bindings").then().statusCode(401);
    }

    // ---- profiles ------------------------------------------------------------------------------------------------

    @Test
    void profileCreationForSelfOrByAdminOnly() {
        profileReady("p-self", "owner1@example.com");
        as("owner1@example.com").body(profileBody("p-other", "victim@example.com")).post("/kfam/v1/profiles")
                .then().statusCode(403).body("error", containsString("needs a cluster admin"));
        as("admin@example.com").body(profileBody("p-byadmin", "someone@example.com")).post("/kfam/v1/profiles")
                .then().statusCode(200).body("spec.owner.name", equalTo("someone@example.com"));
        as("member@example.com", "platform-admins").body(profileBody("p-bygroupadmin", "x@example.com"))
                .post("/kfam/v1/profiles").then().statusCode(200);
        as("owner1@example.com").body(profileBody("p-self", "owner1@example.com")).post("/kfam/v1/profiles")
                .then().statusCode(409);
        as("owner1@example.com").body(profileBody("Not_A_Namespace", "owner1@example.com")).post("/kfam/v1/profiles")
                .then().statusCode(400);
        as("owner1@example.com").body("{not json").post("/kfam/v1/profiles").then().statusCode(400);
        // The dashboard's registration flow sends only metadata and spec.
        as("newcomer@example.com").body(Map.of("metadata", Map.of("name", "p-dashboard"),
                "spec", Map.of("owner", Map.of("kind", "User", "name", "newcomer@example.com"))))
                .post("/kfam/v1/profiles").then().statusCode(200).body("apiVersion", equalTo("kubeflow.org/v1"));
    }

    @Test
    void profileDeletionByOwnerAdminOrRbacOnly() {
        profileReady("p-del", "deleter@example.com");
        as("stranger@example.com").delete("/kfam/v1/profiles/p-del").then().statusCode(403);
        as("stranger@example.com").delete("/kfam/v1/profiles/does-not-exist").then().statusCode(404);
        as("deleter@example.com").delete("/kfam/v1/profiles/p-del").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.resources(Profile.class).withName("p-del").get() == null
                && k.namespaces().withName("p-del").get() == null);

        profileReady("p-del2", "deleter@example.com");
        api.mockServer().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(201, Map.of("apiVersion", "authorization.k8s.io/v1", "kind", "SubjectAccessReview",
                        "spec", Map.of(), "status", Map.of("allowed", true)))
                .once();
        as("rbac-deleter@example.com").delete("/kfam/v1/profiles/p-del2").then().statusCode(200);
    }

    // ---- contributors --------------------------------------------------------------------------------------------

    @Test
    void ownerAddsAndRemovesAContributorAsOnePair() {
        profileReady("team-a", "alice@example.com");
        as("alice@example.com").body(binding("User", "bob@example.com", "team-a", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        RoleBinding rb = contributorBindings("team-a").get(0);
        String name = rb.getMetadata().getName();
        assertThat(name).matches("user-bob-example-com-clusterrole-edit-[0-9a-f]{10}");
        assertThat(rb.getRoleRef()).isEqualTo(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-edit"));
        assertThat(rb.getSubjects()).containsExactly(new Subject("rbac.authorization.k8s.io", "User", "bob@example.com", null));
        assertThat(rb.getMetadata().getAnnotations()).isEqualTo(Map.of("user", "bob@example.com", "role", "edit"));
        GenericKubernetesResource ap = policy("team-a", name);
        assertThat(ap.getMetadata().getAnnotations()).isEqualTo(Map.of("user", "bob@example.com", "role", "edit"));
        assertThat(ap.getAdditionalProperties().get("spec")).isEqualTo(Map.of("action", "ALLOW", "rules", List.of(Map.of(
                "from", List.of(Map.of("source", Map.of("principals",
                        List.of("cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
                                "cluster.local/ns/kubeflow/sa/ml-pipeline-ui")))),
                "when", List.of(Map.of("key", "request.headers[kubeflow-userid]", "values", List.of("bob@example.com")))))));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("bob@example.com").get("/kfam/v1/bindings?user=bob@example.com").then().statusCode(200)
                        .body("bindings.size()", equalTo(1))
                        .body("bindings[0].referredNamespace", equalTo("team-a"))
                        .body("bindings[0].RoleRef.name", equalTo("edit"))
                        .body("bindings[0].user.name", equalTo("bob@example.com")));
        as("alice@example.com").get("/kfam/v1/bindings?namespace=team-a").then().statusCode(200)
                .body("bindings.user.name", org.hamcrest.Matchers.containsInAnyOrder("alice@example.com", "bob@example.com"));
        // Idempotent: adding again changes nothing.
        as("alice@example.com").body(binding("User", "bob@example.com", "team-a", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-a")).hasSize(1);

        as("alice@example.com").body(binding("User", "bob@example.com", "team-a", "kubeflow-edit"))
                .delete("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-a")).isEmpty();
        assertThat(policy("team-a", name)).isNull();
        as("alice@example.com").body(binding("User", "bob@example.com", "team-a", "kubeflow-edit"))
                .delete("/kfam/v1/bindings").then().statusCode(404);
    }

    @Test
    void everyContributorRefusal() {
        profileReady("team-r", "rita@example.com");
        as("rita@example.com").body(binding("User", "c@example.com", "team-r", "kubeflow-admin"))
                .post("/kfam/v1/bindings").then().statusCode(400).body("error", containsString("kubeflow-edit or kubeflow-view"));
        as("rita@example.com").body(binding("ServiceAccount", "sa", "team-r", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(400).body("error", containsString("User or Group"));
        as("rita@example.com").body(Map.of("referredNamespace", "team-r")).post("/kfam/v1/bindings").then().statusCode(400);
        as("rita@example.com").body(binding("User", "c@example.com", "no-such-profile", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(404);
        as("rita@example.com").get("/kfam/v1/bindings?role=superuser").then().statusCode(400);
        // Not the owner, not an admin, and RBAC (the embedded API server answers no SubjectAccessReview) says no.
        as("mallory@example.com").body(binding("User", "mallory@example.com", "team-r", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(403).body("error", containsString("may not manage"));
        as("mallory@example.com").body(binding("User", "rita@example.com", "team-r", "kubeflow-admin"))
                .delete("/kfam/v1/bindings").then().statusCode(400);
        // A contributor is not an owner either.
        as("rita@example.com").body(binding("User", "ed@example.com", "team-r", "kubeflow-edit")).post("/kfam/v1/bindings").then().statusCode(200);
        as("ed@example.com").body(binding("User", "friend@example.com", "team-r", "kubeflow-view"))
                .post("/kfam/v1/bindings").then().statusCode(403);
        as("ed@example.com").body(binding("User", "ed@example.com", "team-r", "kubeflow-edit"))
                .delete("/kfam/v1/bindings").then().statusCode(403);
        // Listing hides what the caller may not see.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("mallory@example.com").get("/kfam/v1/bindings?namespace=team-r").then().statusCode(200)
                        .body("bindings.size()", equalTo(0)));
        as("mallory@example.com").get("/kfam/v1/bindings?user=ed@example.com").then().statusCode(200)
                .body("bindings.size()", equalTo(0));
        // The owner's own binding cannot be removed through the API.
        as("admin@example.com").body(binding("User", "rita@example.com", "team-r", "kubeflow-admin"))
                .delete("/kfam/v1/bindings").then().statusCode(400);
    }

    @Test
    void clusterAdminsAndRbacManagersMayManageContributors() {
        profileReady("team-b", "bea@example.com");
        as("second-admin@example.com").body(binding("User", "c1@example.com", "team-b", "kubeflow-view"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        as("m@example.com", "platform-admins").body(binding("User", "c2@example.com", "team-b", "kubeflow-view"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        api.mockServer().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(201, Map.of("apiVersion", "authorization.k8s.io/v1", "kind", "SubjectAccessReview",
                        "spec", Map.of(), "status", Map.of("allowed", true)))
                .once();
        as("rbac-manager@example.com").body(binding("User", "c3@example.com", "team-b", "kubeflow-view"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-b")).extracting(rb -> rb.getSubjects().get(0).getName())
                .containsExactlyInAnyOrder("c1@example.com", "c2@example.com", "c3@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("admin@example.com").get("/kfam/v1/bindings?namespace=team-b").then().statusCode(200)
                        .body("bindings.size()", equalTo(4)));
    }

    @Test
    void groupContributorsAreBoundAndListedForMembers() {
        profileReady("team-g", "gus@example.com");
        as("gus@example.com").body(binding("Group", "ml-researchers", "team-g", "kubeflow-view"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        RoleBinding rb = contributorBindings("team-g").get(0);
        assertThat(rb.getMetadata().getName()).startsWith("group-ml-researchers-clusterrole-view-");
        assertThat(rb.getSubjects()).containsExactly(new Subject("rbac.authorization.k8s.io", "Group", "ml-researchers", null));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) policy("team-g", rb.getMetadata().getName()).getAdditionalProperties().get("spec");
        assertThat(spec.toString()).contains("request.auth.claims[groups]").contains("ml-researchers");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("member@example.com", "ml-researchers").get("/kfam/v1/bindings?user=member@example.com").then()
                        .statusCode(200).body("bindings.size()", equalTo(1))
                        .body("bindings[0].user.kind", equalTo("Group")).body("bindings[0].referredNamespace", equalTo("team-g")));
    }

    @Test
    void namesDoNotCollideAndEmailsCompareCaseInsensitively() {
        profileReady("team-c", "cat@example.com");
        as("cat@example.com").body(binding("User", "a.b@x.com", "team-c", "kubeflow-edit")).post("/kfam/v1/bindings").then().statusCode(200);
        as("cat@example.com").body(binding("User", "a-b@x.com", "team-c", "kubeflow-edit")).post("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-c")).extracting(rb -> rb.getMetadata().getName()).doesNotHaveDuplicates().hasSize(2);
        as("cat@example.com").body(binding("User", "Dee@Example.com", "team-c", "kubeflow-view")).post("/kfam/v1/bindings").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> contributorBindings("team-c").size() == 3);
        // One rule for mixed case: an address is written lower-cased, in RBAC and in the Istio policy alike.
        RoleBinding dee = contributorBindings("team-c").stream()
                .filter(rb -> rb.getMetadata().getName().startsWith("user-dee-")).findFirst().orElseThrow();
        assertThat(dee.getSubjects()).extracting(Subject::getName).containsExactly("dee@example.com");
        assertThat(dee.getMetadata().getAnnotations()).containsEntry("user", "dee@example.com");
        assertThat(policy("team-c", dee.getMetadata().getName()).toString()).contains("dee@example.com")
                .doesNotContain("Dee@Example.com");
        as("CAT@example.com").body(binding("User", "dee@example.com", "team-c", "kubeflow-view")).post("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-c")).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("dee@example.com").get("/kfam/v1/bindings?user=DEE@example.com").then().statusCode(200)
                        .body("bindings.size()", equalTo(1)));
    }

    @Test
    void removalSucceedsWhenHalfThePairIsGone() {
        profileReady("team-h", "hal@example.com");
        as("hal@example.com").body(binding("User", "h1@example.com", "team-h", "kubeflow-edit")).post("/kfam/v1/bindings").then().statusCode(200);
        as("hal@example.com").body(binding("User", "h2@example.com", "team-h", "kubeflow-edit")).post("/kfam/v1/bindings").then().statusCode(200);
        RoleBinding first = contributorBindings("team-h").stream().filter(rb -> rb.getSubjects().get(0).getName().equals("h1@example.com")).findFirst().orElseThrow();
        RoleBinding second = contributorBindings("team-h").stream().filter(rb -> rb.getSubjects().get(0).getName().equals("h2@example.com")).findFirst().orElseThrow();
        k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("team-h").withName(first.getMetadata().getName()).delete();
        k.rbac().roleBindings().inNamespace("team-h").withName(second.getMetadata().getName()).delete();
        as("hal@example.com").body(binding("User", "h1@example.com", "team-h", "kubeflow-edit")).delete("/kfam/v1/bindings").then().statusCode(200);
        as("hal@example.com").body(binding("User", "h2@example.com", "team-h", "kubeflow-edit")).delete("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-h")).isEmpty();
        assertThat(policy("team-h", second.getMetadata().getName())).isNull();
    }

    @Test
    void aFailedPolicyWriteRollsTheBindingBack() {
        profileReady("team-x", "xena@example.com");
        api.mockServer().expect().post().withPath("/apis/security.istio.io/v1beta1/namespaces/team-x/authorizationpolicies")
                .andReturn(422, Map.of("kind", "Status", "status", "Failure", "reason", "Invalid",
                        "message", "admission webhook denied the request", "code", 422))
                .once();
        as("xena@example.com").body(binding("User", "y@example.com", "team-x", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(502).body("error", containsString("nothing was changed"));
        assertThat(contributorBindings("team-x")).isEmpty();
        as("xena@example.com").body(binding("User", "y@example.com", "team-x", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(200);
        assertThat(contributorBindings("team-x")).hasSize(1);
    }

    @Test
    void handMadeBindingsAreListedAsUnmanagedAndNotRemoved() {
        profileReady("team-m", "max@example.com");
        k.rbac().roleBindings().inNamespace("team-m").resource(new RoleBindingBuilder().withNewMetadata().withName("by-hand").endMetadata()
                .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-view"))
                .withSubjects(new Subject("rbac.authorization.k8s.io", "User", "manual@example.com", null)).build()).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("max@example.com").get("/kfam/v1/bindings?namespace=team-m&role=view").then().statusCode(200)
                        .body("bindings.size()", equalTo(1))
                        .body("bindings[0].user.name", equalTo("manual@example.com"))
                        .body("bindings[0].status", equalTo("Unmanaged")));
        as("max@example.com").body(binding("User", "manual@example.com", "team-m", "kubeflow-view"))
                .delete("/kfam/v1/bindings").then().statusCode(409).body("error", containsString("by hand"));
        assertThat(k.rbac().roleBindings().inNamespace("team-m").withName("by-hand").get()).isNotNull();
    }

    @Test
    void aBindingWithSeveralSubjectsIsListedPerPersonAndNeverRemovedForOne() {
        profileReady("team-s", "sam@example.com");
        // Kubeflow's annotations, but two people in one binding, as written by hand
        k.rbac().roleBindings().inNamespace("team-s").resource(new RoleBindingBuilder().withNewMetadata().withName("pair")
                .withAnnotations(Map.of("user", "s1@example.com", "role", "edit")).endMetadata()
                .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-edit"))
                .withSubjects(new Subject("rbac.authorization.k8s.io", "User", "s1@example.com", null),
                        new Subject("rbac.authorization.k8s.io", "User", "s2@example.com", null)).build()).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                as("sam@example.com").get("/kfam/v1/bindings?namespace=team-s&role=edit").then().statusCode(200)
                        .body("bindings.user.name", org.hamcrest.Matchers.containsInAnyOrder("s1@example.com", "s2@example.com"))
                        .body("bindings.status", org.hamcrest.Matchers.everyItem(equalTo("Unmanaged"))));
        as("sam@example.com").body(binding("User", "s1@example.com", "team-s", "edit"))
                .delete("/kfam/v1/bindings").then().statusCode(409).body("error", containsString("grants 2 subjects"));
        assertThat(k.rbac().roleBindings().inNamespace("team-s").withName("pair").get().getSubjects()).hasSize(2);
    }

    @Test
    void clusterAdminQuery() {
        as("admin@example.com").get("/kfam/v1/role/clusteradmin?user=admin@example.com").then().statusCode(200).body(equalTo("true"));
        as("joe@example.com").get("/kfam/v1/role/clusteradmin?user=joe@example.com").then().statusCode(200).body(equalTo("false"));
        as("joe@example.com", "platform-admins").get("/kfam/v1/role/clusteradmin?user=joe@example.com").then().statusCode(200).body(equalTo("true"));
        as("joe@example.com").get("/kfam/v1/role/clusteradmin?user=admin@example.com").then().statusCode(403);
        as("admin@example.com").get("/kfam/v1/role/clusteradmin?user=joe@example.com").then().statusCode(200).body(equalTo("false"));
    }

    @Test
    void openApiHealthAndMetricsAreServed() {
        given().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/kfam/v1/bindings"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        profileReady("team-metrics", "mo@example.com");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("greenshank_profiles_reconciles_total"))
                .body(containsString("greenshank_profiles_queue_depth"))
                .body(containsString("greenshank_profiles_reconcile_duration_seconds"));
    }

    // ---- JWT callers (real RS256 tokens against the static test JWKS) ------------------------------------------

    static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    @Test
    void aVerifiedTokenAuthenticatesTheCaller() {
        String alice = TestJwt.token("jwt-alice@example.com", List.of());
        bearer(alice).body(profileBody("jwt-team", "jwt-alice@example.com")).post("/kfam/v1/profiles").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.namespaces().withName("jwt-team").get() != null);
        bearer(alice).body(binding("User", "jwt-bob@example.com", "jwt-team", "kubeflow-view")).post("/kfam/v1/bindings")
                .then().statusCode(200);
        // Someone else's token cannot act for alice.
        bearer(TestJwt.token("jwt-eve@example.com", List.of())).body(binding("User", "jwt-eve@example.com", "jwt-team", "kubeflow-edit"))
                .post("/kfam/v1/bindings").then().statusCode(403);
        // Groups come from the token's groups claim: an admin group may create a profile for someone else.
        bearer(TestJwt.token("jwt-ops@example.com", List.of("platform-admins"))).body(profileBody("jwt-other", "someone-else@example.com"))
                .post("/kfam/v1/profiles").then().statusCode(200);
        bearer(TestJwt.token("jwt-ops@example.com", List.of("platform-admins"))).get("/kfam/v1/role/clusteradmin")
                .then().statusCode(200).body(equalTo("true"));
    }

    @Test
    void everyBadTokenIsRefusedWithItsReason() {
        java.time.Instant soon = java.time.Instant.now().plus(Duration.ofMinutes(5));
        bearer(TestJwt.sign(TestJwt.KEY, TestJwt.ISSUER, TestJwt.AUDIENCE, "a@example.com", List.of(),
                java.time.Instant.now().minus(Duration.ofMinutes(10))))
                .get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("token_expired"));
        bearer(TestJwt.sign(TestJwt.KEY, TestJwt.ISSUER, "some-other-service", "a@example.com", List.of(), soon))
                .get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("audience_mismatch"));
        bearer(TestJwt.sign(TestJwt.KEY, "https://evil.example", TestJwt.AUDIENCE, "a@example.com", List.of(), soon))
                .get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("issuer_unknown"));
        bearer(TestJwt.sign(TestJwt.OTHER_KEY, TestJwt.ISSUER, TestJwt.AUDIENCE, "a@example.com", List.of(), soon))
                .get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("signature_invalid"));
        String good = TestJwt.token("a@example.com", List.of());
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        bearer(tampered).get("/kfam/v1/bindings").then().statusCode(401);
        bearer("not-a-jwt").get("/kfam/v1/bindings").then().statusCode(401).body("error", containsString("token_malformed"));
        // A bad token is never retried as a header identity, even with a valid mesh peer.
        bearer("not-a-jwt").header("kubeflow-userid", "admin@example.com").header("x-forwarded-client-cert", XFCC)
                .get("/kfam/v1/bindings").then().statusCode(401);
    }
}
