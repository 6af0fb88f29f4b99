package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The token-review component renders into each overlay, and the overlay's API-server webhook config
 * ({@code apiserver/token-review-webhook.yaml}, kube-apiserver's {@code --authentication-token-webhook-config-file})
 * points at the Service it adds, over HTTPS with a CA and a client certificate.
 */
class TokenReviewComponentTest {

    static final java.util.List<String> OVERLAYS = Rendered.OVERLAYS;

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theComponentOpensTheWebhookPortAndTheShippedConfigPointsAtIt(String overlay) throws Exception {
        String namespace = Rendered.of(overlay).deployment("greenshank-oidc-bridge").getMetadata().getNamespace();
        String name = overlay.substring(overlay.lastIndexOf('/') + 1);
        Path dir = Files.createDirectories(Rendered.DEPLOY.resolve("target/kustomize/token-review-" + name));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: %s
                resources:
                - ../../../base/oidc-bridge
                components:
                - ../../../components/token-review
                """.formatted(namespace));
        Rendered r = Rendered.of(dir);
        r.objects.forEach(o -> ManifestsTest.assertStrict(o, "token-review: " + o));
        Deployment d = r.deployment("greenshank-oidc-bridge");
        ManifestsTest.assertReferencesResolve(r, d, ManifestsTest.templates());
        ConfigKeysTest.assertKeysExist(r, d);
        Map<String, String> env = r.environment(d);
        assertThat(env).containsEntry("GREENSHANK_BRIDGE_TOKEN_REVIEW_ENABLED", "true")
                .containsEntry("GREENSHANK_BRIDGE_TOKEN_REVIEW_CLIENT_CA_FILE",
                        "/etc/greenshank/token-review-client-ca/ca.crt");
        assertThat(ManifestsTest.mountPaths(d)).contains("/etc/greenshank/token-review-client-ca");
        assertThat(((ConfigMap) ManifestsTest.templates().get("greenshank-oidc-bridge-token-review-client-ca"))
                .getData()).containsKey("ca.crt");
        int containerPort = d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> "tokenreview".equals(p.getName())).mapToInt(ContainerPort::getContainerPort).findFirst()
                .orElseThrow();
        assertThat(env).containsEntry("GREENSHANK_BRIDGE_TOKEN_REVIEW_PORT", Integer.toString(containerPort));
        Service service = r.get(Service.class, namespace, "greenshank-oidc-bridge-tokenreview");
        ServicePort port = service.getSpec().getPorts().get(0);
        assertThat(port.getTargetPort().getStrVal()).isEqualTo("tokenreview");
        // The issuer's Service is untouched: the webhook port is not the issuer.
        assertThat(r.get(Service.class, namespace, "greenshank-oidc-bridge").getSpec().getPorts())
                .extracting(ServicePort::getPort).containsExactly(443);

        JsonNode webhook = Rendered.YAML.readTree(Rendered.DEPLOY.resolve(overlay)
                .resolve("apiserver/token-review-webhook.yaml").toFile());
        assertThat(webhook.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(webhook.path("kind").asText()).isEqualTo("Config");
        String current = webhook.path("current-context").asText();
        JsonNode context = named(webhook.path("contexts"), current).path("context");
        JsonNode cluster = named(webhook.path("clusters"), context.path("cluster").asText()).path("cluster");
        JsonNode user = named(webhook.path("users"), context.path("user").asText()).path("user");
        URI server = URI.create(cluster.path("server").asText());
        assertThat(server.getScheme()).isEqualTo("https");
        assertThat(server.getHost()).isEqualTo("greenshank-oidc-bridge-tokenreview." + namespace + ".svc.cluster.local");
        assertThat(server.getPort()).isEqualTo(port.getPort());
        assertThat(server.getPath()).as("the bridge's default greenshank.bridge.token-review.path").isEqualTo("/tokenreview");
        assertThat(cluster.path("insecure-skip-tls-verify").asBoolean(false)).isFalse();
        assertThat(cluster.path("certificate-authority").asText()).isNotEmpty();
        assertThat(user.path("client-certificate").asText()).isNotEmpty();
        assertThat(user.path("client-key").asText()).isNotEmpty();
        assertThat(user.has("token")).as("the bridge authenticates the API server by certificate").isFalse();
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.path("name").asText())) {
                return n;
            }
        }
        throw new AssertionError("no entry named " + name + " in " + list);
    }
}
