package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicyEntry;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Each overlay's objects applied, as a user's {@code kubectl apply -k} would, to profile-controller's embedded API
 * server (the fabric8 CRUD mock with the Profile and Istio CRDs): every object is accepted, reads back as written,
 * a second apply changes nothing, and the AuthorizationPolicies authz-service would list from it load into its
 * policy engine.
 */
class EmbeddedApiServerApplyTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;

    /** Istio kinds without a fabric8 model go through the generic API, with their group, version and plural. */
    static io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> resource(KubernetesClient client, HasMetadata o) {
        if (o instanceof GenericKubernetesResource g) {
            String[] gv = g.getApiVersion().split("/");
            ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1])
                    .withKind(g.getKind()).withPlural(g.getKind().toLowerCase(java.util.Locale.ROOT) + "s")
                    .withNamespaced(true).build();
            return client.genericKubernetesResources(ctx).inNamespace(g.getMetadata().getNamespace()).resource(g);
        }
        return client.resource(o);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theRenderedObjectsApplyReadBackAndReapply(String overlay) {
        Rendered r = Rendered.of(overlay);
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient client = api.newClient()) {
            for (HasMetadata o : r.objects) {
                if (o instanceof CustomResourceDefinition) {
                    // The embedded server starts with the controller's Profile CRD; the rendered one replaces it.
                    assertThat(client.resource(o).get()).as("the embedded server's Profile CRD").isNotNull();
                    client.resource(o).update();
                } else {
                    resource(client, o).create();
                }
            }
            for (int i = 0; i < r.objects.size(); i++) {
                HasMetadata written = r.objects.get(i);
                HasMetadata read = resource(client, written).get();
                assertThat(read).as("read back " + written.getKind() + " " + written.getMetadata().getName()).isNotNull();
                // Both sides through the same serializer (the strict parse in ManifestsTest already showed the model
                // loses nothing of the rendered YAML).
                JsonNode expected = Rendered.comparable(Rendered.YAML.valueToTree(Rendered.K8S.convertValue(written, Object.class)));
                JsonNode actual = Rendered.comparable(Rendered.YAML.valueToTree(Rendered.K8S.convertValue(read, Object.class)));
                assertThat(actual).as(written.getKind() + " " + written.getMetadata().getName()).isEqualTo(expected);
            }
            // kubectl apply -k again: every object updates in place.
            for (HasMetadata o : r.objects) {
                resource(client, o).update();
            }

            // Each AuthorizationPolicy as the server stores it goes through authz-service's own loader. (Read through
            // the same generic client path it was written with: the CRUD mock answered authz-service's informer
            // context, KubernetesPolicySource.KINDS, with nothing for both a list and a get; see docs/deploy.md.)
            PolicyDocuments docs = new PolicyDocuments("istio-system");
            for (HasMetadata written : r.kind("AuthorizationPolicy")) {
                HasMetadata p = resource(client, written).get();
                PolicyEntry e = docs.parseNode(Rendered.YAML.valueToTree(Rendered.K8S.convertValue(p, Object.class)),
                        "embedded:" + p.getMetadata().getName());
                assertThat(e).as(p.getMetadata().getName()).isInstanceOf(PolicyEntry.Istio.class);
            }
        }
    }
}
