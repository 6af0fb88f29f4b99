package io.greenshank.profiles.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.authn.Delegation;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.dashboard.CentralDashboard;
import io.greenshank.profiles.dashboard.CentralDashboard.Generation;
import io.greenshank.profiles.dashboard.CentralDashboard.KfamCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The central dashboard as a delegate (kubeflow/dashboard {@code app/api_workgroup.ts}): it calls
 * {@code readBindings}, {@code v1RoleClusteradminGet} and {@code createProfile} with no user headers, and forwards the
 * user's {@code kubeflow-userid} for {@code createBinding} / {@code deleteBinding} / {@code deleteProfile}
 * ({@code handleContributor}, {@code nuke-self}). Its identity is the last XFCC hop as the controller's sidecar writes
 * it ({@code APPEND_FORWARD}; src/envoy-model {@code ConnectionManager.mutateXfcc}). The other side: nothing else
 * gains anything, and every refused call leaves the cluster unchanged.
 */
@QuarkusTest
class DelegationTest {

    static final String BY = "By=spiffe://cluster.local/ns/kubeflow/sa/profiles;Hash=ab12;Subject=\"\";";
    static final String DASHBOARD_XFCC = BY + "URI=spiffe://" + Delegation.CENTRAL_DASHBOARD;

    final CentralDashboard dashboard = new CentralDashboard(Generation.DASHBOARD);

    @Inject
    KubernetesClient k;

    /** A request from the dashboard pod through the mesh, with only the headers its KFAM client sends. */
    static RequestSpecification fromDashboard() {
        return given().header("x-forwarded-client-cert", DASHBOARD_XFCC).contentType(ContentType.JSON);
    }

    static Response send(RequestSpecification r, KfamCall call) {
        r = r.queryParams(call.query());
        if (call.body() != null) {
            r = r.body(call.body());
        }
        return r.request(call.method(), call.path());
    }

    static String ok(RequestSpecification r, KfamCall call) {
        Response response = send(r, call);
        assertThat(response.statusCode()).as(call + " → " + response.asString()).isEqualTo(200);
        return response.asString();
    }

    void profileExists(String ns) {
        await().atMost(Duration.ofSeconds(20)).until(() -> k.namespaces().withName(ns).get() != null);
    }

    @Test
    void theDashboardRegistersAUserAndReadsOnTheirBehalfWithoutUserHeaders() {
        String owner = "deleg-owner@example.com";
        String ns = "deleg-a";
        // GET /api/workgroup/exists: getWorkgroupInfo → v1RoleClusteradminGet(email) and readBindings(email)
        assertThat(dashboard.isClusterAdmin(ok(fromDashboard(), dashboard.clusterAdmin(owner)))).isFalse();
        assertThat(dashboard.isClusterAdmin(ok(fromDashboard(), dashboard.clusterAdmin("admin@example.com")))).isTrue();
        assertThat(dashboard.hasWorkgroup(ok(fromDashboard(), dashboard.readBindings(owner, null, null)))).isFalse();

        // POST /api/workgroup/create → createProfile({metadata: {name}, spec: {owner: {kind: 'User', name}}})
        ok(fromDashboard(), dashboard.createProfile(ns, owner));
        Profile created = k.resources(Profile.class).withName(ns).get();
        assertThat(created.getSpec().owner().getName()).isEqualTo(owner);
        profileExists(ns);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String mine = ok(fromDashboard(), dashboard.readBindings(owner, null, null));
            assertThat(dashboard.hasWorkgroup(mine)).as(mine).isTrue();
            assertThat(dashboard.namespaceRoles(mine)).containsEntry(ns, "owner");
        });

        // add-contributor: the dashboard forwards the owner's kubeflow-userid, and the owner's rules apply
        ok(fromDashboard().header("kubeflow-userid", owner), dashboard.contributor(true, ns, "deleg-bob@example.com", "user"));
        // getContributors(namespace): readBindings(undefined, namespace), no user named, no user header
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dashboard.contributors(
                ok(fromDashboard(), dashboard.readBindings(null, ns, null)))).containsExactly("User:deleg-bob@example.com"));
    }

    @Test
    void theDashboardAloneCannotChangeBindingsOrDeleteProfilesAndNothingChanges() {
        String owner = "deleg-owner2@example.com";
        String ns = "deleg-b";
        ok(fromDashboard(), dashboard.createProfile(ns, owner));
        profileExists(ns);
        ok(fromDashboard().header("kubeflow-userid", owner), dashboard.contributor(true, ns, "deleg-carol@example.com", "user"));
        int bindings = k.rbac().roleBindings().inNamespace(ns).list().getItems().size();

        Response add = send(fromDashboard(), dashboard.contributor(true, ns, "deleg-mallory@example.com", "user"));
        assertThat(add.statusCode()).isEqualTo(401);
        assertThat(add.asString()).contains("must forward the user's identity header");
        assertThat(send(fromDashboard(), dashboard.contributor(false, ns, "deleg-carol@example.com", "user")).statusCode())
                .isEqualTo(401);
        fromDashboard().delete("/kfam/v1/profiles/" + ns).then().statusCode(401);
        assertThat(k.rbac().roleBindings().inNamespace(ns).list().getItems()).hasSize(bindings);
        assertThat(k.resources(Profile.class).withName(ns).get()).isNotNull();

        // forwarding a user does not lend the dashboard more than that user has
        Response stranger = send(fromDashboard().header("kubeflow-userid", "deleg-mallory@example.com"),
                dashboard.contributor(true, ns, "deleg-mallory@example.com", "user"));
        assertThat(stranger.statusCode()).isEqualTo(403);
        fromDashboard().header("kubeflow-userid", "deleg-mallory@example.com").delete("/kfam/v1/profiles/" + ns)
                .then().statusCode(403);
        assertThat(k.rbac().roleBindings().inNamespace(ns).list().getItems()).hasSize(bindings);
        assertThat(k.resources(Profile.class).withName(ns).get()).isNotNull();
    }

    @Test
    void aCallThatOnlyClaimsTheDashboardsIdentityIsRefusedAndCreatesNothing() {
        KfamCall create = dashboard.createProfile("deleg-forged", "forger@example.com");
        // no mesh peer at all (a plaintext client: the sidecar removes any XFCC; or no sidecar)
        assertThat(send(given().contentType(ContentType.JSON), create).statusCode()).isEqualTo(401);
        // the dashboard's URI written by the client, followed by the real peer the sidecar appended
        String forged = "URI=spiffe://" + Delegation.CENTRAL_DASHBOARD + "," + BY
                + "URI=spiffe://cluster.local/ns/team-a/sa/default-editor";
        Response r = send(given().header("x-forwarded-client-cert", forged).contentType(ContentType.JSON), create);
        assertThat(r.statusCode()).isEqualTo(401);
        // malformed
        assertThat(send(given().header("x-forwarded-client-cert", "URI=\"spiffe://" + Delegation.CENTRAL_DASHBOARD)
                .contentType(ContentType.JSON), create).statusCode()).isEqualTo(401);
        // another Kubeflow workload (the Pipelines UI) is not a delegate
        assertThat(send(given().header("x-forwarded-client-cert", BY + "URI=spiffe://cluster.local/ns/kubeflow/sa/ml-pipeline-ui")
                .contentType(ContentType.JSON), create).statusCode()).isEqualTo(401);
        // nor does a reader get the table: the same holds for reads
        given().header("x-forwarded-client-cert", forged).get("/kfam/v1/bindings").then().statusCode(401);
        assertThat(k.resources(Profile.class).withName("deleg-forged").get()).isNull();
    }

    @Test
    void aDelegatedProfileNeedsAUserOwnerAndAFreeNamespace() {
        fromDashboard().body(Map.of("metadata", Map.of("name", "deleg-group"),
                "spec", Map.of("owner", Map.of("kind", "Group", "name", "admin@example.com"))))
                .post("/kfam/v1/profiles").then().statusCode(403).body("error", containsString("only for a User owner"));
        assertThat(k.resources(Profile.class).withName("deleg-group").get()).isNull();

        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("deleg-taken")
                .withAnnotations(Map.of("owner", "someone@example.com")).endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> fromDashboard()
                .body(dashboard.createProfile("deleg-taken", "newcomer@example.com").body())
                .post("/kfam/v1/profiles").then().statusCode(409)
                .body("error", containsString("belongs to someone@example.com")));
        assertThat(k.resources(Profile.class).withName("deleg-taken").get()).isNull();

        fromDashboard().get("/kfam/v1/role/clusteradmin").then().statusCode(400).body("error", containsString("?user="));
    }
}
