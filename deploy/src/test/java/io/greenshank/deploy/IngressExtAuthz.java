package io.greenshank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The ext_authz provider the ingress gateway calls, as istiod derives it: the rendered {@code action: CUSTOM}
 * AuthorizationPolicy on {@code app: istio-ingressgateway} in istio-system names a provider, and the overlay's
 * {@code istio/mesh-config.yaml} ({@code meshConfig.extensionProviders}) says where that provider is. Istio turns an
 * {@code envoyExtAuthzGrpc} entry into Envoy's ext_authz filter with a {@code grpc_service} cluster for
 * {@code service:port}, {@code timeout} and {@code failure_mode_allow = failOpen} (istio/istio
 * pilot/pkg/security/authz/builder/extauthz.go, {@code buildExtAuthzGRPC}).
 */
record IngressExtAuthz(String provider, String service, int port, Duration timeout, boolean failOpen) {

    static IngressExtAuthz of(Rendered overlay) {
        List<JsonNode> custom = overlay.trees("AuthorizationPolicy").stream()
                .filter(t -> "CUSTOM".equals(t.at("/spec/action").asText()))
                .filter(t -> "istio-system".equals(t.at("/metadata/namespace").asText()))
                .filter(t -> "istio-ingressgateway".equals(t.at("/spec/selector/matchLabels/app").asText()))
                .toList();
        if (custom.size() != 1) {
            throw new AssertionError(overlay.dir + ": " + custom.size()
                    + " CUSTOM AuthorizationPolicies on the ingress gateway, not one");
        }
        String name = custom.get(0).at("/spec/provider/name").asText();
        JsonNode mesh;
        try {
            mesh = Rendered.YAML.readTree(overlay.dir.resolve("istio/mesh-config.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode p : mesh.path("extensionProviders")) {
            if (name.equals(p.path("name").asText())) {
                JsonNode grpc = p.path("envoyExtAuthzGrpc");
                if (grpc.isMissingNode()) {
                    throw new AssertionError("provider " + name + " is not envoyExtAuthzGrpc: " + p);
                }
                return new IngressExtAuthz(name, grpc.path("service").asText(), grpc.path("port").asInt(),
                        Duration.parse("PT" + grpc.path("timeout").asText("0.6s").toUpperCase(Locale.ROOT)),
                        grpc.path("failOpen").asBoolean(false));
            }
        }
        throw new AssertionError("the CUSTOM policy names provider " + name
                + ", which istio/mesh-config.yaml does not define");
    }
}
