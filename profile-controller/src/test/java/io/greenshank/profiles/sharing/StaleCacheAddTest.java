package io.greenshank.profiles.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sharing decides from the API server where an informer cache may lag: a contributor removed and re-added before the
 * cache saw the removal must be granted again, not answered 200 with nothing written; a profile created a moment
 * ago is found, not a 404.
 */
class StaleCacheAddTest {

    @Test
    void aContributorReAddedWhileTheCacheStillShowsTheRemovedBindingIsGrantedAgain() {
        IstioSettings istio = IstioSettings.KUBEFLOW_DEFAULT;
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient();
                ClusterCache cache = new ClusterCache(k, istio, new SubjectKeys(true), Duration.ofMinutes(10))) {
            cache.start(Duration.ofSeconds(30));
            k.resource(new Profile("lab", ProfileSpec.ownedBy("olga@example.com"))).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.profile("lab").isPresent());
            SharingService sharing = new SharingService(k, cache, new SharingSettings(Set.of(), Set.of(), false),
                    (who, ns, verb, group, resource, name) -> false, istio);
            Identity olga = new Identity("olga@example.com", List.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());
            Binding carol = new Binding(new Subject(null, "User", "carol@example.com", null), null, "lab",
                    new RoleRef(null, "ClusterRole", "kubeflow-edit"), null);
            String name = new ContributorNames(cache.keys()).name(
                    new Subject("rbac.authorization.k8s.io", "User", "carol@example.com", null), ContributorRole.EDIT);

            sharing.add(olga, carol);
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.roleBinding("lab", name).isPresent()
                    && cache.istio(IstioKinds.KIND_AUTHORIZATION_POLICY, "lab", name).isPresent());

            // The cache stops here, holding carol's objects, as an informer that has not yet seen the delete would.
            cache.close();
            sharing.remove(olga, carol);
            assertThat(cache.roleBinding("lab", name)).as("the frozen cache still shows the removed binding").isPresent();

            sharing.add(olga, carol);
            assertThat(k.rbac().roleBindings().inNamespace("lab").withName(name).get()).isNotNull();
            assertThat(k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace("lab")
                    .withName(name).get()).isNotNull();
        }
    }

    @Test
    void aProfileTheCacheHasNotSeenYetIsFoundByItsOwner() {
        IstioSettings istio = IstioSettings.KUBEFLOW_DEFAULT;
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient();
                ClusterCache cache = new ClusterCache(k, istio, new SubjectKeys(true), Duration.ofMinutes(10))) {
            cache.start(Duration.ofSeconds(30));
            cache.close();
            k.resource(new Profile("fresh", ProfileSpec.ownedBy("olga@example.com"))).create();
            assertThat(cache.profile("fresh")).as("the frozen cache never saw the profile").isEmpty();
            SharingService sharing = new SharingService(k, cache, new SharingSettings(Set.of(), Set.of(), false),
                    (who, ns, verb, group, resource, name) -> false, istio);
            Identity olga = new Identity("olga@example.com", List.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());

            sharing.deleteProfile(olga, "fresh");
            assertThat(k.resources(Profile.class).withName("fresh").get()).isNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sharing.deleteProfile(olga, "fresh"))
                    .isInstanceOf(SharingException.class).hasMessageContaining("no profile named fresh");
        }
    }
}
