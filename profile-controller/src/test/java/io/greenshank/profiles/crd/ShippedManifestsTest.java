package io.greenshank.profiles.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShippedManifestsTest {

    static List<HasMetadata> load(String resource) throws Exception {
        try (InputStream in = ShippedManifestsTest.class.getResourceAsStream(resource)) {
            Object parsed = Serialization.unmarshal(in);
            return parsed instanceof List<?> l ? l.stream().map(HasMetadata.class::cast).toList() : List.of((HasMetadata) parsed);
        }
    }

    @Test
    void theCrdIsClusterScopedWithV1StoredV1beta1ServedAndStatusSubresources() throws Exception {
        CustomResourceDefinition crd = (CustomResourceDefinition) load("/kubernetes/profiles.kubeflow.org.yaml").get(0);
        assertThat(crd.getMetadata().getName()).isEqualTo("profiles.kubeflow.org");
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("Profile");
        assertThat(crd.getSpec().getVersions()).extracting(CustomResourceDefinitionVersion::getName).containsExactly("v1", "v1beta1");
        assertThat(crd.getSpec().getVersions()).allSatisfy(v -> {
            assertThat(v.getServed()).isTrue();
            assertThat(v.getSubresources().getStatus()).isNotNull();
            var spec = v.getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
            assertThat(spec).containsOnlyKeys("owner", "resourceQuotaSpec", "plugins");
            assertThat(spec.get("owner").getRequired()).containsExactly("kind", "name");
        });
        assertThat(crd.getSpec().getVersions()).filteredOn(CustomResourceDefinitionVersion::getStorage)
                .extracting(CustomResourceDefinitionVersion::getName).containsExactly("v1");
    }

    @Test
    void theControllerMayBindOnlyKubeflowsRoles() throws Exception {
        List<HasMetadata> all = load("/kubernetes/profile-controller-rbac.yaml");
        ClusterRole role = all.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst().orElseThrow();
        assertThat(role.getRules()).filteredOn(r -> r.getVerbs().contains("bind")).singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).containsExactlyInAnyOrder("kubeflow-admin", "kubeflow-edit", "kubeflow-view"));
        assertThat(role.getRules()).noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"));
        assertThat(all).filteredOn(GenericKubernetesResource.class::isInstance).singleElement()
                .satisfies(pa -> assertThat(pa.getKind()).isEqualTo("PeerAuthentication"));
    }
}
