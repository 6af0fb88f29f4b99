package io.greenshank.authz.check;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Round trips through both ext_authz protocols with real clients, on the embedded development issuer. */
abstract class CheckRoundTripCases {

    @TestHTTPResource("/")
    URL base;

    GrpcClient grpc;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void connect() {
        grpc = connectGrpc();
    }

    /** Where gRPC Check is reached: the HTTP port or the dedicated ext_authz port. */
    abstract GrpcClient connectGrpc();

    @AfterEach
    void disconnect() throws Exception {
        grpc.close();
    }

    String mint(String user, String groups) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token?user=" + user + "&groups=" + groups))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().trim();
    }

    @Test
    void grpc_allow_sets_identity_headers_with_overwrite_and_strips_client_copies() throws Exception {
        String token = mint("alice@example.com", "team-a,team-b");
        CheckResponse r = grpc.check("GET", "/notebooks?ns=alice", Map.of("authorization", "Bearer " + token,
                "kubeflow-userid", "mallory@example.com", "kubeflow-groups", "admins"));
        assertThat(r.getStatus().getCode()).isZero();
        assertThat(r.getOkResponse().getHeadersToRemoveList()).isEmpty();
        assertThat(GrpcClient.headersOf(r.getOkResponse())).containsEntry("kubeflow-userid", "alice@example.com")
                .containsEntry("kubeflow-groups", "team-a,team-b");
        for (HeaderValueOption h : r.getOkResponse().getHeadersList()) {
            assertThat(h.getAppendAction()).isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
            assertThat(h.getAppend().getValue()).isFalse();
        }
    }

    @Test
    void grpc_without_token_is_401_with_bearer_challenge() {
        CheckResponse r = grpc.check("GET", "/notebooks", Map.of("kubeflow-userid", "mallory@example.com"));
        assertThat(r.getStatus().getCode()).isEqualTo(16);
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
        Map<String, String> h = GrpcClient.headersOf(r.getDeniedResponse());
        assertThat(h.get("www-authenticate")).startsWith("Bearer ").contains("error=\"invalid_token\"").contains("error_description=");
        assertThat(h).containsEntry("x-greenshank-reason", "no_credentials");
        assertThat(r.getDeniedResponse().getBody()).contains("no_credentials");
    }

    @Test
    void grpc_forged_token_is_401_with_its_reason() {
        CheckResponse r = grpc.check("GET", "/", Map.of("authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
        assertThat(GrpcClient.headersOf(r.getDeniedResponse())).containsEntry("x-greenshank-reason", "alg_not_allowed");
    }

    @Test
    void grpc_public_path_passes_anonymously_without_identity_but_still_strips_smuggled_headers() {
        CheckResponse r = grpc.check("GET", "/healthz", Map.of("kubeflow-userid", "mallory@example.com"));
        assertThat(r.getStatus().getCode()).isZero();
        assertThat(r.getOkResponse().getHeadersList()).isEmpty();
        assertThat(r.getOkResponse().getHeadersToRemoveList()).contains("kubeflow-userid", "kubeflow-groups");
    }

    @Test
    void grpc_public_prefix_cannot_be_escaped_with_dot_segments() {
        CheckResponse r = grpc.check("GET", "/healthz/../admin", Map.of());
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
    }

    @Test
    void http_protocol_allow_returns_200_with_identity_and_removal_list() throws Exception {
        String token = mint("bob@example.com", "ml");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/pipelines/runs?x=1"))
                .header("Authorization", "Bearer " + token).header("kubeflow-userid", "mallory").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("kubeflow-userid")).containsExactly("bob@example.com");
        assertThat(r.headers().firstValue("kubeflow-groups")).contains("ml");
        assertThat(r.headers().firstValue("x-envoy-auth-headers-to-remove")).isEmpty();
    }

    @Test
    void http_protocol_ignores_forwarded_client_cert_unless_configured_to_trust_it() throws Exception {
        // trust-forwarded-client-cert is off by default: even a malformed header is not parsed, let alone believed
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/pipelines"))
                .header("Authorization", "Bearer " + mint("bob@example.com", "ml"))
                .header("x-forwarded-client-cert", "URI=\"spiffe://cluster.local/ns/x/sa/y").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("kubeflow-userid")).containsExactly("bob@example.com");
    }

    @Test
    void http_protocol_without_token_is_401_and_post_is_judged_too() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/pipelines"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).get().asString().contains("invalid_token");
        assertThat(r.headers().firstValue("kubeflow-userid")).isEmpty();
    }

    @Test
    void http_protocol_expired_or_tampered_token_is_401() throws Exception {
        String token = mint("carol@example.com", "");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/x"))
                .header("Authorization", "Bearer " + tampered).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("x-greenshank-reason")).contains("signature_invalid");
    }

    @Test
    void readiness_is_up_with_the_dev_issuer_keys_loaded_and_metrics_are_exported() throws Exception {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("issuer-keys").contains("\"UP\"");
        grpc.check("GET", "/m", Map.of());
        String token = mint("dave@example.com", "");
        grpc.check("GET", "/m", Map.of("authorization", "Bearer " + token));
        grpc.check("GET", "/m", Map.of("authorization", "Bearer " + token));
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("greenshank_authz_decisions_total{outcome=\"deny\",reason=\"no_credentials\"")
                .contains("greenshank_authz_decisions_total{outcome=\"allow\",reason=")
                .contains("greenshank_authz_check_seconds_bucket{protocol=\"grpc\"")
                .contains("greenshank_authz_token_cache_total{result=\"hit\"")
                .contains("greenshank_authz_jwks_refresh_total");
    }

    @Test
    void dev_jwks_is_served() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/jwks.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"kty\":\"RSA\"").doesNotContain("\"d\"");
    }
}
