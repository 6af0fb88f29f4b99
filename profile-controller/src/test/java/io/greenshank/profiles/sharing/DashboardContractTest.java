package io.greenshank.profiles.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.dashboard.CentralDashboard;
import io.greenshank.profiles.dashboard.CentralDashboard.Generation;
import io.greenshank.profiles.dashboard.CentralDashboard.KfamCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The central dashboard's KFAM calls, replayed as its client makes them and read back as it reads them
 * ({@link CentralDashboard}), for both dashboard generations: registration check, env-info, contributors added,
 * listed and removed. Callers authenticate as the mesh would present the user (kubeflow-userid through the gateway).
 */
@QuarkusTest
class DashboardContractTest {

    @Inject
    KubernetesClient k;

    static RequestSpecification as(String user, String... groups) {
        RequestSpecification r = given().header("kubeflow-userid", user)
                .header("x-forwarded-client-cert", KfamApiTest.XFCC).contentType(ContentType.JSON);
        return groups.length == 0 ? r : r.header("kubeflow-groups", String.join(",", groups));
    }

    static Response send(KfamCall call, String user, String... groups) {
        RequestSpecification r = as(user, groups).queryParams(call.query());
        if (call.body() != null) {
            r = r.body(call.body());
        }
        Response response = r.request(call.method(), call.path());
        assertThat(response.statusCode()).as(call + " → " + response.asString()).isEqualTo(200);
        return response;
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void theDashboardFindsTheOwnersWorkgroupAndManagesItsContributors(Generation generation) {
        CentralDashboard dashboard = new CentralDashboard(generation);
        String g = generation.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String owner = "owner-" + g + "@example.com";
        String bob = "bob-" + g + "@example.com";
        String ns = "dash-" + g;

        // A newcomer: no workgroup yet, so the dashboard offers registration.
        assertThat(dashboard.hasWorkgroup(send(dashboard.readBindings(owner, null, null), owner).asString())).isFalse();
        assertThat(dashboard.isClusterAdmin(send(dashboard.clusterAdmin(owner), owner).asString())).isFalse();

        // POST /api/workgroup/create
        send(dashboard.createProfile(ns, owner), owner);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Profile p = k.resources(Profile.class).withName(ns).get();
            return p != null && p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
        });

        // GET /api/workgroup/exists and env-info: the owner now has a workgroup, as its owner.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String mine = send(dashboard.readBindings(owner, null, null), owner).asString();
            assertThat(dashboard.hasWorkgroup(mine)).as(mine).isTrue();
            assertThat(dashboard.namespaceRoles(mine)).containsEntry(ns, "owner");
        });

        // POST /api/workgroup/add-contributor/:namespace, then the contributor list it answers with.
        send(dashboard.contributor(true, ns, bob, "user"), owner);
        if (generation == Generation.DASHBOARD) {
            send(dashboard.contributor(true, ns, "ml-team-" + g, "group"), owner);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String listed = send(dashboard.readBindings(null, ns, null), owner).asString();
            assertThat(dashboard.contributors(listed)).as(listed).containsExactlyInAnyOrderElementsOf(
                    generation == Generation.KUBEFLOW_1X ? java.util.List.of(bob)
                            : java.util.List.of("User:" + bob, "Group:ml-team-" + g));
        });

        // bob's env-info: the shared namespace, as a contributor; not an owner anywhere.
        String bobs = send(dashboard.readBindings(bob, null, null), bob).asString();
        assertThat(dashboard.namespaceRoles(bobs)).isEqualTo(Map.of(ns, "contributor"));
        assertThat(dashboard.hasWorkgroup(bobs)).isFalse();

        // DELETE /api/workgroup/remove-contributor/:namespace
        send(dashboard.contributor(false, ns, bob, "user"), owner);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(dashboard.contributors(send(dashboard.readBindings(null, ns, null), owner).asString()))
                        .doesNotContain(bob, "User:" + bob));
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void viewersAndRoleFiltersReadAsKfamAnswersThem(Generation generation) {
        CentralDashboard dashboard = new CentralDashboard(generation);
        String g = generation.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String owner = "vowner-" + g + "@example.com";
        String viewer = "viewer-" + g + "@example.com";
        String ns = "view-" + g;
        send(dashboard.createProfile(ns, owner), owner);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.resources(Profile.class).withName(ns).get() != null);
        // Made with the ClusterRole's name, as kubectl users and older tools write it.
        as(owner).body(Map.of("user", Map.of("kind", "User", "name", viewer), "referredNamespace", ns,
                "RoleRef", Map.of("kind", "ClusterRole", "name", "kubeflow-view"))).post("/kfam/v1/bindings")
                .then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String views = send(dashboard.readBindings(null, ns, "view"), owner).asString();
            assertThat(dashboard.simpleBindings(views)).extracting(CentralDashboard.SimpleBinding::subject)
                    .containsExactly(viewer);
            // The same filter by the ClusterRole's name.
            assertThat(send(dashboard.readBindings(null, ns, "kubeflow-view"), owner).asString()).isEqualTo(views);
        });
        String theirs = send(dashboard.readBindings(viewer, null, null), viewer).asString();
        // kubeflow/dashboard knows viewers; 1.x's role map has no 'view', so it sees no role (and no contributor).
        assertThat(dashboard.namespaceRoles(theirs)).containsEntry(ns,
                generation == Generation.DASHBOARD ? "viewer" : null);
        assertThat(dashboard.contributors(send(dashboard.readBindings(null, ns, null), owner).asString())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void aBindingToTheBuiltInEditRoleIsNotAKubeflowContributor(Generation generation) {
        CentralDashboard dashboard = new CentralDashboard(generation);
        String g = generation.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String owner = "bowner-" + g + "@example.com";
        String ns = "builtin-" + g;
        send(dashboard.createProfile(ns, owner), owner);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.namespaces().withName(ns).get() != null);
        k.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("builtin-edit").withNamespace(ns).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("x@example.com")
                .endSubject().build()).create();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(dashboard.contributors(send(dashboard.readBindings(null, ns, null), owner).asString()))
                        .isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void aBodyNamingTwoDifferentPeopleIsRefusedAndChangesNothing(Generation generation) {
        String g = generation.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String owner = "towner-" + g + "@example.com";
        String ns = "two-" + g;
        send(new CentralDashboard(generation).createProfile(ns, owner), owner);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.namespaces().withName(ns).get() != null);
        as(owner).body(Map.of("user", Map.of("kind", "User", "name", "a@example.com"),
                        "subject", Map.of("kind", "User", "name", "b@example.com"), "referredNamespace", ns,
                        "RoleRef", Map.of("kind", "ClusterRole", "name", "edit")))
                .post("/kfam/v1/bindings").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("two different people"));
        assertThat(k.rbac().roleBindings().inNamespace(ns).list().getItems())
                .noneMatch(rb -> rb.getMetadata().getName().contains("-clusterrole-"));
    }
}
