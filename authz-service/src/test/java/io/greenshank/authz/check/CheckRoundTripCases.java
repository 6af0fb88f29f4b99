package io.greenshank.authz.check;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.greenshank.authz.envoy.DocumentedEnvoy;
import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.Codec;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ForwardClientCert;
import io.greenshank.envoy.GrpcChannelAuthorizationServer;
import io.greenshank.envoy.HeaderList;
import io.greenshank.envoy.JdkHttpAuthorizationServer;
import io.greenshank.envoy.UpstreamRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through both ext_authz protocols, on the embedded development issuer, judged by what the Envoy model
 * makes of each answer: what the upstream application receives, or what the client receives. The raw-protocol
 * assertions stay where the wire form itself is the contract (append_action, the removal header).
 */
abstract class CheckRoundTripCases {

    /** Every way a client can try to smuggle an identity header past the sidecar over HTTP/1. */
    static final HeaderList SMUGGLED = HeaderList.of(
            "Kubeflow-Userid", "mallory@example.com",
            "KUBEFLOW-USERID", "eve@example.com",
            "kubeflow-userid", "a@example.com, b@example.com",
            "kubeflow-userid", " \t odd@example.com \t ",
            "Kubeflow-Groups", "admins",
            "kubeflow-groups", "system:masters, admins");

    /** The same over HTTP/2, where names must be lower case. */
    static final HeaderList SMUGGLED_LOWER_CASE = HeaderList.of(
            "kubeflow-userid", "mallory@example.com",
            "kubeflow-userid", "a@example.com, b@example.com",
            "kubeflow-userid", " \t odd@example.com \t ",
            "kubeflow-groups", "admins");

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

    /** The documented Envoy over both protocols (Istio's path normalization, HTTP/1 or HTTP/2 downstream). */
    Map<String, Envoy> envoys(Codec codec) {
        return DocumentedEnvoy.both(ConnectionManagerConfig.istioDefaults().toBuilder().codec(codec).build(),
                grpc.channel, base);
    }

    Map<String, Envoy> envoys() {
        return envoys(Codec.HTTP1);
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
        // the wire form both Envoy lines read as "set": append=false wins over append_action in either
        for (HeaderValueOption h : r.getOkResponse().getHeadersList()) {
            assertThat(h.getAppendAction()).isEqualTo(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
            assertThat(h.getAppend().getValue()).isFalse();
        }
    }

    @Test
    void the_upstream_gets_exactly_the_verified_identity_whatever_copies_the_client_sent() throws Exception {
        String token = mint("alice@example.com", "team-a,team-b");
        envoys(Codec.HTTP1).forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(DownstreamRequest.get("/notebooks?ns=alice")
                    .header("Authorization", "Bearer " + token).headers(SMUGGLED).build()).upstream();
            assertIdentity(protocol + " over HTTP/1", up, "alice@example.com", "team-a,team-b");
        });
        envoys(Codec.HTTP2).forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(DownstreamRequest.get("/notebooks?ns=alice").tls()
                    .header("authorization", "Bearer " + token).headers(SMUGGLED_LOWER_CASE).build()).upstream();
            assertIdentity(protocol + " over HTTP/2", up, "alice@example.com", "team-a,team-b");
        });
    }

    static void assertIdentity(String as, UpstreamRequest up, String user, String groups) {
        // values() ignores case, so a surviving client copy in any spelling would show here
        assertThat(up.headers().values("kubeflow-userid")).as(as).containsExactly(user);
        assertThat(up.headers().values("kubeflow-groups")).as(as).containsExactly(groups);
        assertThat(up.headers().names()).as(as).containsOnlyOnce("kubeflow-userid", "kubeflow-groups");
    }

    @Test
    void an_identity_header_in_trailers_reaches_the_upstream_only_as_a_trailer() throws Exception {
        String token = mint("alice@example.com", "team-a");
        // HTTP/2 carries trailers through; ext_authz never sees them, so applications must read identity from headers
        envoys(Codec.HTTP2).forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(DownstreamRequest.post("/notebooks").tls()
                    .header("authorization", "Bearer " + token).trailer("kubeflow-userid", "mallory@example.com").build())
                    .upstream();
            assertThat(up.headers().values("kubeflow-userid")).as(protocol).containsExactly("alice@example.com");
            assertThat(up.trailers().values("kubeflow-userid")).as(protocol).containsExactly("mallory@example.com");
        });
    }

    @Test
    void grpc_without_token_is_401_with_bearer_challenge() {
        CheckResponse r = grpc.check("GET", "/notebooks", Map.of("kubeflow-userid", "mallory@example.com"));
        assertThat(r.getStatus().getCode()).isEqualTo(16);
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
        envoys().forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(DownstreamRequest.get("/notebooks").header("kubeflow-userid", "mallory@example.com")
                    .build());
            ClientResponse c = out.clientResponse();
            assertThat(c.status()).as(protocol).isEqualTo(401);
            assertThat(c.headers().first("www-authenticate")).as(protocol).get().asString().startsWith("Bearer ")
                    .contains("error=\"invalid_token\"").contains("error_description=");
            assertThat(c.headers().values("x-greenshank-reason")).as(protocol).containsExactly("no_credentials");
            assertThat(c.headers().values("content-type")).as(protocol).containsExactly("application/json");
            assertThat(c.body()).as(protocol).isEqualTo("{\"error\":\"unauthenticated\",\"reason\":\"no_credentials\"}");
            assertThat(c.headers().lowerCaseNames()).as(protocol).doesNotContain("kubeflow-userid");
        });
    }

    @Test
    void grpc_forged_token_is_401_with_its_reason() {
        CheckResponse r = grpc.check("GET", "/", Map.of("authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
        envoys().forEach((protocol, envoy) -> {
            ClientResponse c = envoy.handle(DownstreamRequest.get("/")
                    .header("authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").build()).clientResponse();
            assertThat(c.status()).as(protocol).isEqualTo(401);
            assertThat(c.headers().values("x-greenshank-reason")).as(protocol).containsExactly("alg_not_allowed");
        });
    }

    @Test
    void a_public_path_passes_anonymously_and_forwards_no_identity_even_when_the_client_sent_one() {
        CheckResponse r = grpc.check("GET", "/healthz", Map.of("kubeflow-userid", "mallory@example.com"));
        assertThat(r.getStatus().getCode()).isZero();
        assertThat(r.getOkResponse().getHeadersList()).isEmpty();
        assertThat(r.getOkResponse().getHeadersToRemoveList()).contains("kubeflow-userid", "kubeflow-groups");
        envoys(Codec.HTTP1).forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(DownstreamRequest.get("/healthz").headers(SMUGGLED).build()).upstream();
            assertThat(up.headers().lowerCaseNames()).as(protocol).doesNotContain("kubeflow-userid", "kubeflow-groups");
        });
        envoys(Codec.HTTP2).forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(DownstreamRequest.get("/healthz").headers(SMUGGLED_LOWER_CASE).build())
                    .upstream();
            assertThat(up.headers().lowerCaseNames()).as(protocol).doesNotContain("kubeflow-userid", "kubeflow-groups");
        });
    }

    @Test
    void grpc_public_prefix_cannot_be_escaped_with_dot_segments() {
        CheckResponse r = grpc.check("GET", "/healthz/../admin", Map.of());
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(401);
        // with Istio's normalization Envoy asks about /admin; without any, the sidecar resolves the dots itself
        envoys().forEach((protocol, envoy) -> assertThat(envoy.handle(DownstreamRequest.get("/healthz/../admin").build())
                .clientResponse().status()).as(protocol).isEqualTo(401));
        DocumentedEnvoy.both(ConnectionManagerConfig.defaults(), grpc.channel, base).forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(DownstreamRequest.get("/healthz/../admin").build());
            assertThat(out.clientResponse().status()).as(protocol + " without normalize_path").isEqualTo(401);
        });
    }

    @Test
    void an_unreachable_sidecar_is_status_on_error_403_and_nothing_reaches_the_upstream() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        DownstreamRequest request = DownstreamRequest.get("/notebooks").header("kubeflow-userid", "mallory@example.com")
                .build();
        try (GrpcChannelAuthorizationServer gone = GrpcChannelAuthorizationServer.connect("127.0.0.1", closed)) {
            EnvoyOutcome out = Envoy.grpc(EnvoyConfig.of(DocumentedEnvoy.istio(), DocumentedEnvoy.grpcFilter()), gone)
                    .handle(request);
            assertThat(out.forwarded()).isFalse();
            assertThat(out.clientResponse().status()).isEqualTo(403);
            assertThat(out.clientResponse().details()).isEqualTo("ext_authz_error");
        }
        EnvoyOutcome http = Envoy.http(EnvoyConfig.of(DocumentedEnvoy.istio(), DocumentedEnvoy.httpFilter()),
                JdkHttpAuthorizationServer.at(URI.create("http://127.0.0.1:" + closed))).handle(request);
        assertThat(http.forwarded()).isFalse();
        assertThat(http.clientResponse().status()).isEqualTo(403);
    }

    @Test
    void a_lower_case_method_never_reaches_the_sidecar_over_http1() {
        // Envoy's HTTP/1 parser knows methods in upper case only: "get" is a 400 before any filter runs
        envoys().forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(DownstreamRequest.method("get", "/notebooks").build());
            assertThat(out.clientResponse().status()).as(protocol).isEqualTo(400);
            assertThat(out.authorizationCall()).as(protocol).isEmpty();
        });
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
        // the same through an Envoy that forwards the header unchanged and lets it reach the sidecar
        String token = mint("bob@example.com", "ml");
        ConnectionManagerConfig forwarding = DocumentedEnvoy.istio().toBuilder()
                .forwardClientCert(ForwardClientCert.ALWAYS_FORWARD_ONLY).build();
        Envoy envoy = DocumentedEnvoy.http(forwarding, base, DocumentedEnvoy.httpFilter("x-forwarded-client-cert"));
        UpstreamRequest up = envoy.handle(DownstreamRequest.get("/pipelines").header("authorization", "Bearer " + token)
                .header("x-forwarded-client-cert", "URI=\"spiffe://cluster.local/ns/x/sa/y").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("bob@example.com");
    }

    @Test
    void http_protocol_without_token_is_401_and_post_is_judged_too() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/pipelines"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        envoys().forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(DownstreamRequest.post("/pipelines").header("content-type", "application/json")
                    .build());
            ClientResponse c = out.clientResponse();
            assertThat(c.status()).as(protocol).isEqualTo(401);
            assertThat(c.headers().first("www-authenticate")).as(protocol).get().asString().contains("invalid_token");
            assertThat(c.headers().lowerCaseNames()).as(protocol).doesNotContain("kubeflow-userid");
        });
    }

    @Test
    void http_protocol_expired_or_tampered_token_is_401() throws Exception {
        String token = mint("carol@example.com", "");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/x"))
                .header("Authorization", "Bearer " + tampered).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        envoys().forEach((protocol, envoy) -> {
            ClientResponse c = envoy.handle(DownstreamRequest.get("/x").header("Authorization", "Bearer " + tampered)
                    .build()).clientResponse();
            assertThat(c.status()).as(protocol).isEqualTo(401);
            assertThat(c.headers().values("x-greenshank-reason")).as(protocol).containsExactly("signature_invalid");
        });
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
