package io.greenshank.profiles.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioPolicyModel;
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With {@code policy-model=both}, a contributor is three objects: RoleBinding, AuthorizationPolicy, ServiceRoleBinding. */
class BothPolicyModelsTest {

    @Test
    void aContributorIsWrittenAndRemovedInBothIstioModels() {
        IstioSettings istio = IstioSettings.KUBEFLOW_DEFAULT.withModel(IstioPolicyModel.BOTH);
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient();
                ClusterCache cache = new ClusterCache(k, istio, new SubjectKeys(true), Duration.ofMinutes(10))) {
            cache.start(Duration.ofSeconds(30));
            k.resource(new Profile("both", ProfileSpec.ownedBy("olga@example.com"))).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.profile("both").isPresent());
            SharingService sharing = new SharingService(k, cache, new SharingSettings(Set.of(), Set.of(), false),
                    (who, ns, verb, group, resource, name) -> false, istio);
            Identity olga = new Identity("olga@example.com", List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                    AuthMethod.JWT, Map.of(), Optional.empty());
            Binding bob = new Binding(new Subject(null, "User", "bob@example.com", null), null, "both",
                    new RoleRef(null, "ClusterRole", "kubeflow-view"), null);
            sharing.add(olga, bob);

            String name = new ContributorNames(cache.keys()).name(
                    new Subject("rbac.authorization.k8s.io", "User", "bob@example.com", null), ContributorRole.VIEW);
            assertThat(k.rbac().roleBindings().inNamespace("both").withName(name).get()).isNotNull();
            assertThat(k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("both").withName(name).get()).isNotNull();
            GenericKubernetesResource srb = k.genericKubernetesResources(IstioKinds.SERVICE_ROLE_BINDING).inNamespace("both").withName(name).get();
            assertThat(srb.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
                    "subjects", List.of(Map.of("properties", Map.of("request.headers[kubeflow-userid]", "bob@example.com"))),
                    "roleRef", Map.of("kind", "ServiceRole", "name", "ns-access-istio")));

            await().atMost(Duration.ofSeconds(10)).until(() -> cache.roleBinding("both", name).isPresent());
            sharing.remove(olga, bob);
            assertThat(k.rbac().roleBindings().inNamespace("both").withName(name).get()).isNull();
            assertThat(k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("both").withName(name).get()).isNull();
            assertThat(k.genericKubernetesResources(IstioKinds.SERVICE_ROLE_BINDING).inNamespace("both").withName(name).get()).isNull();
        }
    }
}
