package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;

/**
 * What a reconciled Profile leaves in the API server, as Kubeflow's profile controller leaves it: the Profile
 * {@code Ready}, its namespace owned by it and annotated with the owner, the owner's {@code namespaceAdmin}
 * RoleBinding to {@code kubeflow-admin}, and the {@code ns-owner-access-istio} AuthorizationPolicy that believes the
 * owner's user-id header only from the ingress gateway. Shared by the e2e story and deploy/'s rendered installs.
 */
public final class ProfileAssertions {

    public static final String GATEWAY_PRINCIPAL = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProfileAssertions() {
    }

    /** Waits (at most {@code converge}) for the Profile to be Ready, then checks what it owns. */
    public static void reconciled(KubernetesClient kube, String profile, String owner, Duration converge) {
        await().atMost(converge).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            GenericKubernetesResource p = kube.genericKubernetesResources("kubeflow.org/v1", "Profile")
                    .withName(profile).get();
            assertThat(p).as("Profile " + profile).isNotNull();
            JsonNode status = JSON.valueToTree(p.getAdditionalProperties().get("status"));
            assertThat(status.at("/conditions/0/type").asText()).isEqualTo("Ready");
            assertThat(status.at("/conditions/0/status").asText()).isEqualTo("True");
        });
        Namespace ns = kube.namespaces().withName(profile).get();
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("owner", owner);
        assertThat(ns.getMetadata().getLabels()).containsEntry("istio-injection", "enabled");
        assertThat(ns.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("Profile/" + profile));

        RoleBinding admin = kube.rbac().roleBindings().inNamespace(profile).withName("namespaceAdmin").get();
        assertThat(admin.getRoleRef().getName()).isEqualTo("kubeflow-admin");
        assertThat(admin.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getKind() + ":" + s.getName()).isEqualTo("User:" + owner));

        JsonNode ownerRule = JSON.valueToTree(authorizationPolicy(kube, profile, "ns-owner-access-istio")
                .getAdditionalProperties().get("spec")).at("/rules/0");
        assertThat(ownerRule.at("/from/0/source/principals/0").asText()).isEqualTo(GATEWAY_PRINCIPAL);
        assertThat(ownerRule.at("/when/0/key").asText()).isEqualTo("request.headers[kubeflow-userid]");
        assertThat(ownerRule.at("/when/0/values").toString()).isEqualTo("[\"" + owner + "\"]");
    }

    public static GenericKubernetesResource authorizationPolicy(KubernetesClient kube, String namespace, String name) {
        return kube.genericKubernetesResources("security.istio.io/v1beta1", "AuthorizationPolicy")
                .inNamespace(namespace).withName(name).get();
    }
}
