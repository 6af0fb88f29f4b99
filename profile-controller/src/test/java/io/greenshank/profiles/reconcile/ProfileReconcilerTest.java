package io.greenshank.profiles.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.crd.ProfilePlugin;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioPolicyModel;
import io.greenshank.profiles.istio.IstioSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProfileReconcilerTest {

    static ControllerHarness h;
    static KubernetesClient k;

    @BeforeAll
    static void start() {
        h = new ControllerHarness(ControllerSettings.defaults()
                .withLabels(new NamespaceLabels(Map.of("istio-injection", "enabled",
                        "katib.kubeflow.org/metrics-collector-injection", "enabled", "obsolete-label", ""))));
        k = h.client;
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Profile create(String name, ProfileSpec spec) {
        return k.resource(new Profile(name, spec)).create();
    }

    static Profile ready(String name) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Profile p = k.resources(Profile.class).withName(name).get();
            return p != null && p.getStatus() != null && p.getStatus().condition(ProfileCondition.READY)
                    .map(ProfileCondition::isTrue).orElse(false);
        });
        return k.resources(Profile.class).withName(name).get();
    }

    static RoleBinding rb(String ns, String name) {
        return k.rbac().roleBindings().inNamespace(ns).withName(name).get();
    }

    static GenericKubernetesResource ap(String ns, String name) {
        return k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace(ns).withName(name).get();
    }

    @Test
    void createsEveryManagedObjectWithExactFields() {
        Profile created = create("alice", new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User", "alice@example.com", null),
                new ResourceQuotaSpec(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")), null, null),
                List.of(new ProfilePlugin("WorkloadIdentity", Map.of("gcpServiceAccount", "alice@proj.iam.gserviceaccount.com")),
                        new ProfilePlugin("AwsIamForServiceAccount", Map.of("awsIamRole", "arn:aws:iam::1:role/alice")))));
        Profile p = ready("alice");
        String uid = created.getMetadata().getUid();
        assertThat(p.getMetadata().getFinalizers()).containsExactly(Profile.FINALIZER);
        ProfileCondition c = p.getStatus().condition("Ready").orElseThrow();
        assertThat(c.reason()).isEqualTo("Reconciled");
        assertThat(c.lastTransitionTime()).isNotBlank();

        Namespace ns = k.namespaces().withName("alice").get();
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("owner", "alice@example.com");
        assertThat(ns.getMetadata().getLabels()).containsEntry("istio-injection", "enabled")
                .containsEntry("katib.kubeflow.org/metrics-collector-injection", "enabled")
                .doesNotContainKey("obsolete-label");
        assertThat(ns.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getUid()).isEqualTo(uid);
            assertThat(r.getKind()).isEqualTo("Profile");
            assertThat(r.getApiVersion()).isEqualTo("kubeflow.org/v1");
            assertThat(r.getController()).isTrue();
        });

        RoleBinding admin = rb("alice", "namespaceAdmin");
        assertThat(admin.getRoleRef()).isEqualTo(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-admin"));
        assertThat(admin.getSubjects()).containsExactly(new Subject("rbac.authorization.k8s.io", "User", "alice@example.com", null));
        assertThat(admin.getMetadata().getAnnotations()).containsEntry("user", "alice@example.com").containsEntry("role", "admin");
        assertThat(admin.getMetadata().getOwnerReferences()).extracting(r -> r.getUid()).containsExactly(uid);

        RoleBinding editor = rb("alice", "default-editor");
        assertThat(editor.getRoleRef().getName()).isEqualTo("kubeflow-edit");
        assertThat(editor.getSubjects()).containsExactly(new Subject(null, "ServiceAccount", "default-editor", "alice"));
        RoleBinding viewer = rb("alice", "default-viewer");
        assertThat(viewer.getRoleRef().getName()).isEqualTo("kubeflow-view");
        assertThat(viewer.getSubjects()).containsExactly(new Subject(null, "ServiceAccount", "default-viewer", "alice"));

        ServiceAccount sa = k.serviceAccounts().inNamespace("alice").withName("default-editor").get();
        assertThat(sa.getMetadata().getAnnotations())
                .containsEntry("iam.gke.io/gcp-service-account", "alice@proj.iam.gserviceaccount.com")
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/alice");
        assertThat(k.serviceAccounts().inNamespace("alice").withName("default-viewer").get().getMetadata().getAnnotations())
                .isNullOrEmpty();

        ResourceQuota quota = k.resourceQuotas().inNamespace("alice").withName("kf-resource-quota").get();
        assertThat(quota.getSpec().getHard()).containsEntry("cpu", new Quantity("4")).containsEntry("memory", new Quantity("8Gi"));

        GenericKubernetesResource policy = ap("alice", "ns-owner-access-istio");
        assertThat(policy.getMetadata().getAnnotations()).containsEntry("user", "alice@example.com").containsEntry("role", "admin");
        assertThat(policy.getMetadata().getOwnerReferences()).extracting(r -> r.getUid()).containsExactly(uid);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) policy.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("action", "ALLOW");
        assertThat(spec.get("rules")).isEqualTo(List.of(
                Map.of("from", List.of(Map.of("source", Map.of("principals",
                                List.of("cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
                                        "cluster.local/ns/kubeflow/sa/ml-pipeline-ui")))),
                        "when", List.of(Map.of("key", "request.headers[kubeflow-userid]", "values", List.of("alice@example.com")))),
                Map.of("from", List.of(Map.of("source", Map.of("namespaces", List.of("alice"))))),
                Map.of("to", List.of(Map.of("operation", Map.of("paths", List.of("/healthz", "/metrics", "/wait-for-drain"))))),
                Map.of("from", List.of(Map.of("source", Map.of("principals",
                                List.of("cluster.local/ns/kubeflow/sa/notebook-controller-service-account")))),
                        "to", List.of(Map.of("operation", Map.of("methods", List.of("GET"), "paths", List.of("*/api/kernels")))))));
    }

    @Test
    void namespaceOwnedByOtherIsLeftUntouchedAndReported() {
        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("taken")
                .withAnnotations(Map.of("owner", "mallory@example.com")).withLabels(Map.of("keep", "me")).endMetadata().build()).create();
        create("taken", ProfileSpec.ownedBy("bob@example.com"));
        await().atMost(Duration.ofSeconds(15)).until(() -> condition("taken")
                .map(c -> "False".equals(c.status()) && "NamespaceOwnedByOther".equals(c.reason())).orElse(false));
        assertThat(condition("taken").orElseThrow().message()).contains("mallory@example.com");
        Namespace ns = k.namespaces().withName("taken").get();
        assertThat(ns.getMetadata().getLabels()).isEqualTo(Map.of("keep", "me"));
        assertThat(ns.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(rb("taken", "namespaceAdmin")).isNull();
    }

    @Test
    void existingNamespaceAnnotatedForTheSameOwnerIsAdopted() {
        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("adopt")
                .withAnnotations(Map.of("owner", "carol@example.com")).endMetadata().build()).create();
        Profile p = create("adopt", ProfileSpec.ownedBy("carol@example.com"));
        ready("adopt");
        assertThat(k.namespaces().withName("adopt").get().getMetadata().getOwnerReferences())
                .extracting(r -> r.getUid()).containsExactly(p.getMetadata().getUid());
    }

    static Optional<ProfileCondition> condition(String name) {
        Profile p = k.resources(Profile.class).withName(name).get();
        return p == null || p.getStatus() == null ? Optional.empty() : p.getStatus().condition("Ready");
    }

    @Test
    void driftIsRepaired() {
        create("drift", ProfileSpec.ownedBy("dan@example.com"));
        ready("drift");
        k.rbac().roleBindings().inNamespace("drift").withName("namespaceAdmin").delete();
        k.serviceAccounts().inNamespace("drift").withName("default-viewer").delete();
        RoleBinding edited = rb("drift", "default-editor");
        edited.setSubjects(List.of(new Subject("rbac.authorization.k8s.io", "User", "intruder@example.com", null)));
        k.rbac().roleBindings().inNamespace("drift").resource(edited).update();
        k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("drift")
                .withName("ns-owner-access-istio").delete();
        Namespace ns = k.namespaces().withName("drift").get();
        ns.getMetadata().getLabels().remove("istio-injection");
        ns.getMetadata().getAnnotations().put("owner", "intruder@example.com");
        k.namespaces().resource(ns).update();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(rb("drift", "namespaceAdmin")).isNotNull();
            assertThat(k.serviceAccounts().inNamespace("drift").withName("default-viewer").get()).isNotNull();
            assertThat(rb("drift", "default-editor").getSubjects())
                    .containsExactly(new Subject(null, "ServiceAccount", "default-editor", "drift"));
            assertThat(ap("drift", "ns-owner-access-istio")).isNotNull();
            Namespace repaired = k.namespaces().withName("drift").get();
            assertThat(repaired.getMetadata().getLabels()).containsEntry("istio-injection", "enabled");
            assertThat(repaired.getMetadata().getAnnotations()).containsEntry("owner", "dan@example.com");
        });
    }

    @Test
    void aContributorPolicyWrittenUnderOlderSettingsIsAlignedInPlace() {
        create("migrate", ProfileSpec.ownedBy("mia@example.com"));
        Profile p = ready("migrate");
        String name = "user-kim-example-com-clusterrole-edit-0123456789";
        Map<String, String> annotations = Map.of("user", "kim@example.com", "role", "edit");
        k.rbac().roleBindings().inNamespace("migrate").resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-edit"))
                .withSubjects(new Subject("rbac.authorization.k8s.io", "User", "kim@example.com", null)).build()).create();
        // What an earlier release wrote: the gateway alone.
        GenericKubernetesResource old = k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1"))
                .inNamespace("migrate").resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                        .withApiVersion("security.istio.io/v1beta1").withKind("AuthorizationPolicy")
                        .withNewMetadata().withName(name).withNamespace("migrate").withAnnotations(annotations)
                        .withOwnerReferences(p.ownerReference()).endMetadata()
                        .addToAdditionalProperties("spec", Map.of("action", "ALLOW", "rules", List.of(Map.of(
                                "from", List.of(Map.of("source", Map.of("principals",
                                        List.of("cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account")))),
                                "when", List.of(Map.of("key", "request.headers[kubeflow-userid]",
                                        "values", List.of("kim@example.com")))))))
                        .build()).create();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            GenericKubernetesResource now = ap("migrate", name);
            assertThat(now.getMetadata().getUid()).isEqualTo(old.getMetadata().getUid());
            assertThat(now.getAdditionalProperties().get("spec").toString())
                    .contains("cluster.local/ns/kubeflow/sa/ml-pipeline-ui").contains("kim@example.com");
        });
        assertThat(k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("migrate")
                .list().getItems()).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("ns-owner-access-istio", name);

        // A policy whose RoleBinding is gone is never brought back by the controller.
        k.rbac().roleBindings().inNamespace("migrate").withName(name).delete();
        k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("migrate").withName(name).delete();
        k.resources(Profile.class).withName("migrate").edit(x -> {
            x.getMetadata().setLabels(Map.of("touched", "1"));
            return x;
        });
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ap("migrate", name)).isNull());
    }

    @Test
    void ownerChangeMovesBindingsAndAnnotations() {
        create("moving", ProfileSpec.ownedBy("erin@example.com"));
        ready("moving");
        k.resources(Profile.class).withName("moving").edit(x -> {
            x.setSpec(ProfileSpec.ownedBy("frank@example.com"));
            return x;
        });
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(k.namespaces().withName("moving").get().getMetadata().getAnnotations()).containsEntry("owner", "frank@example.com");
            RoleBinding admin = rb("moving", "namespaceAdmin");
            assertThat(admin.getSubjects()).extracting(Subject::getName).containsExactly("frank@example.com");
            assertThat(admin.getMetadata().getAnnotations()).containsEntry("user", "frank@example.com");
            GenericKubernetesResource policy = ap("moving", "ns-owner-access-istio");
            assertThat(policy.getMetadata().getAnnotations()).containsEntry("user", "frank@example.com");
            assertThat(policy.getAdditionalProperties().get("spec").toString()).contains("frank@example.com").doesNotContain("erin@");
        });
        assertThat(condition("moving").orElseThrow().isTrue()).isTrue();
    }

    @Test
    void quotaIsRemovedWhenHardEmpties() {
        create("quota", new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User", "gina@example.com", null),
                new ResourceQuotaSpec(Map.of("cpu", new Quantity("2")), null, null), null));
        ready("quota");
        assertThat(k.resourceQuotas().inNamespace("quota").withName("kf-resource-quota").get()).isNotNull();
        k.resources(Profile.class).withName("quota").edit(x -> {
            x.setSpec(new ProfileSpec(x.getSpec().owner(), new ResourceQuotaSpec(Map.of("cpu", new Quantity("3")), null, null), null));
            return x;
        });
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                k.resourceQuotas().inNamespace("quota").withName("kf-resource-quota").get().getSpec().getHard())
                .containsEntry("cpu", new Quantity("3")));
        k.resources(Profile.class).withName("quota").edit(x -> {
            x.setSpec(new ProfileSpec(x.getSpec().owner(), new ResourceQuotaSpec(Map.of(), null, null), null));
            return x;
        });
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(k.resourceQuotas().inNamespace("quota").withName("kf-resource-quota").get()).isNull());
    }

    @Test
    void deletionRemovesTheNamespaceThenTheFinalizer() {
        create("doomed", ProfileSpec.ownedBy("hank@example.com"));
        ready("doomed");
        k.resources(Profile.class).withName("doomed").delete();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(k.resources(Profile.class).withName("doomed").get()).isNull();
            assertThat(k.namespaces().withName("doomed").get()).isNull();
        });
    }

    @Test
    void deletingAProfileKeepsANamespaceItDoesNotOwn() {
        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("foreign")
                .withAnnotations(Map.of("owner", "ivy@example.com")).endMetadata().build()).create();
        create("foreign", ProfileSpec.ownedBy("jack@example.com"));
        await().atMost(Duration.ofSeconds(15)).until(() -> condition("foreign").isPresent());
        k.resources(Profile.class).withName("foreign").delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> k.resources(Profile.class).withName("foreign").get() == null);
        assertThat(k.namespaces().withName("foreign").get()).isNotNull();
    }

    @Test
    void pluginRemovalRemovesItsAnnotation() {
        create("plug", new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User", "kim@example.com", null), null,
                List.of(new ProfilePlugin("AwsIamForServiceAccount", Map.of("awsIamRole", "arn:aws:iam::1:role/kim")))));
        ready("plug");
        assertThat(k.serviceAccounts().inNamespace("plug").withName("default-editor").get().getMetadata().getAnnotations())
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/kim");
        k.resources(Profile.class).withName("plug").edit(x -> {
            x.setSpec(new ProfileSpec(x.getSpec().owner(), null, null));
            return x;
        });
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                k.serviceAccounts().inNamespace("plug").withName("default-editor").get().getMetadata().getAnnotations())
                .doesNotContainKey("eks.amazonaws.com/role-arn"));
    }

    @Test
    void invalidSpecIsReportedNotRetriedForever() {
        create("noowner", new ProfileSpec(null, null, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> condition("noowner")
                .map(c -> "InvalidSpec".equals(c.reason())).orElse(false));
        assertThat(k.namespaces().withName("noowner").get()).isNull();
    }

    @Test
    void legacyServiceRoleModelWritesRoleAndOwnerBinding() {
        try (ControllerHarness legacy = new ControllerHarness(ControllerSettings.defaults()
                .withIstio(IstioSettings.KUBEFLOW_DEFAULT.withModel(IstioPolicyModel.SERVICE_ROLE)))) {
            KubernetesClient lk = legacy.client;
            lk.resource(new Profile("old", ProfileSpec.ownedBy("lee@example.com"))).create();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                Profile p = lk.resources(Profile.class).withName("old").get();
                return p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
            });
            GenericKubernetesResource role = lk.genericKubernetesResources(IstioKinds.SERVICE_ROLE).inNamespace("old")
                    .withName("ns-access-istio").get();
            assertThat(role.getAdditionalProperties().get("spec")).isEqualTo(Map.of("rules", List.of(Map.of("services", List.of("*")))));
            GenericKubernetesResource binding = lk.genericKubernetesResources(IstioKinds.SERVICE_ROLE_BINDING).inNamespace("old")
                    .withName("owner-binding-istio").get();
            assertThat(binding.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
                    "subjects", List.of(Map.of("properties", Map.of("request.headers[kubeflow-userid]", "lee@example.com")),
                            Map.of("properties", Map.of("source.namespace", "old"))),
                    "roleRef", Map.of("kind", "ServiceRole", "name", "ns-access-istio")));
            assertThat(lk.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("old").list().getItems()).isEmpty();
        }
    }

    @Test
    void metricsCountReconciles() {
        create("metered", ProfileSpec.ownedBy("mia@example.com"));
        ready("metered");
        assertThat(h.registry.find("greenshank.profiles.reconciles").tag("outcome", "ready").counter().count()).isPositive();
        assertThat(h.registry.find("greenshank.profiles.reconcile.duration").timer().count()).isPositive();
        assertThat(h.registry.find("greenshank.profiles.queue.depth").gauge()).isNotNull();
    }

    @Test
    void anUpdateConflictIsRetriedAndCounted() {
        create("conflict", ProfileSpec.ownedBy("nora@example.com"));
        ready("conflict");
        double errorsBefore = h.metrics.errorCount();
        h.api.mockServer().expect().put().withPath("/api/v1/namespaces/conflict")
                .andReturn(409, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "Conflict",
                        "message", "the object has been modified", "code", 409))
                .once();
        // Drift made by someone else (a patch, so it does not consume the PUT expectation above).
        k.namespaces().withName("conflict").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/labels/istio-injection\"}]");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(k.namespaces().withName("conflict").get().getMetadata().getLabels()).containsEntry("istio-injection", "enabled"));
        assertThat(h.metrics.errorCount()).isGreaterThan(errorsBefore);
        assertThat(condition("conflict").orElseThrow().isTrue()).isTrue();
    }
}
