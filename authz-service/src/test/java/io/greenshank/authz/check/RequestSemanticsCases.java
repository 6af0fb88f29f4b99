package io.greenshank.authz.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Istio/Envoy request semantics through the real protocols ({@link RequestSemanticsProfile}): which status a refusal
 * gets (400 unjudgeable, 401 credential required, 403 policy), path templates, {@code remote.ip} from a trusted
 * {@code x-forwarded-for} entry, {@code source.ip} over HTTP, and hostile identity headers. Every refusal has a reason,
 * a metric and a decision-log line saying which kind it is.
 */
abstract class RequestSemanticsCases {

    static final String FRONTEND = "spiffe://cluster.local/ns/semantics/sa/frontend";
    static final String OTHER = "spiffe://cluster.local/ns/other/sa/batch";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Decision-log lines, captured on the logger itself (JUL loggers are weakly held: keep it). */
    static final Logger DECISION_LOG = Logger.getLogger("greenshank.decision");
    static final List<String> LINES = java.util.Collections.synchronizedList(new ArrayList<>());
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            LINES.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TestHTTPResource("/")
    URL base;

    GrpcClient grpc;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Where gRPC Check is reached: the HTTP port or the dedicated ext_authz port. */
    abstract GrpcClient connectGrpc();

    @BeforeEach
    void connect() {
        grpc = connectGrpc();
        DECISION_LOG.removeHandler(CAPTURE);
        DECISION_LOG.addHandler(CAPTURE);
    }

    @AfterEach
    void disconnect() throws Exception {
        DECISION_LOG.removeHandler(CAPTURE);
        grpc.close();
    }

    // ---- helpers ----

    String mint(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token?user=" + user + "&groups=ml"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().trim();
    }

    static CheckRequest.Builder request(String method, String path, Map<String, String> headers, String principal,
                                        String peerAddress) {
        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder().setPrincipal(principal);
        if (!peerAddress.isEmpty()) {
            source.setAddress(Address.newBuilder().setSocketAddress(
                    SocketAddress.newBuilder().setAddress(peerAddress).setPortValue(41000)));
        }
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder().setSource(source)
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod(method).setHost("kubeflow.example.test").setPath(path).setScheme("https")
                        .putAllHeaders(headers))));
    }

    CheckResponse check(String method, String path, Map<String, String> headers, String principal, String peer) {
        return grpc.stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(request(method, path, headers, principal, peer).build());
    }

    CheckResponse check(String method, String path, Map<String, String> headers) {
        return check(method, path, headers, "", "10.0.0.3");
    }

    static int status(CheckResponse r) {
        return r.getStatus().getCode() == 0 ? 200 : r.getDeniedResponse().getStatus().getCodeValue();
    }

    static String reason(CheckResponse r) {
        return GrpcClient.headersOf(r.getDeniedResponse()).getOrDefault("x-greenshank-reason", "");
    }

    HttpResponse<String> httpCheck(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "ext-authz" + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The decision-log line of the request carrying {@code x-request-id: id}. */
    JsonNode logLine(String id) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            synchronized (LINES) {
                for (String l : LINES) {
                    if (l.contains("\"request_id\":\"" + id + "\"")) {
                        return JSON.readTree(l);
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no decision-log line for request " + id);
    }

    static Map<String, String> withId(String id, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        h.put("x-request-id", id);
        return h;
    }

    // ---- 400 / 401 / 403 over gRPC ----

    @Test
    void grpc_a_policy_refusal_of_an_anonymous_caller_is_403_with_its_policy() throws Exception {
        String id = UUID.randomUUID().toString();
        CheckResponse r = check("GET", "/nowhere", withId(id, Map.of("accept", "text/html")));
        assertThat(status(r)).isEqualTo(403);
        assertThat(r.getStatus().getCode()).as("PERMISSION_DENIED").isEqualTo(7);
        assertThat(reason(r)).isEqualTo("policy_no_match");
        assertThat(GrpcClient.headersOf(r.getDeniedResponse())).doesNotContainKeys("www-authenticate", "location");
        JsonNode line = logLine(id);
        assertThat(line.get("status").asInt()).isEqualTo(403);
        assertThat(line.get("denial").asText()).isEqualTo("policy");
        assertThat(line.get("reason").asText()).isEqualTo("policy_no_match");
    }

    @Test
    void grpc_a_mesh_peer_without_a_jwt_is_judged_by_policy_and_refused_with_403() {
        assertThat(status(check("GET", "/mesh/x", Map.of(), FRONTEND, "10.0.0.3"))).isEqualTo(200);
        CheckResponse other = check("GET", "/mesh/x", Map.of(), OTHER, "10.0.0.3");
        assertThat(status(other)).isEqualTo(403);
        assertThat(reason(other)).isEqualTo("policy_no_match");
    }

    @Test
    void grpc_an_anonymous_caller_on_a_route_judged_by_kubernetes_rbac_needs_a_credential() throws Exception {
        String id = UUID.randomUUID().toString();
        CheckResponse r = check("GET", "/api/namespaces/team/notebooks", withId(id, Map.of()));
        assertThat(status(r)).isEqualTo(401);
        assertThat(r.getStatus().getCode()).as("UNAUTHENTICATED").isEqualTo(16);
        assertThat(reason(r)).isEqualTo("rbac_requires_identity");
        assertThat(GrpcClient.headersOf(r.getDeniedResponse()).get("www-authenticate")).startsWith("Bearer ");
        assertThat(logLine(id).get("denial").asText()).isEqualTo("credential_required");
    }

    @Test
    void grpc_a_method_envoy_refuses_is_400_invalid_argument_before_authentication() throws Exception {
        String token = mint("alice@example.com");
        for (String m : new String[] {"get", "Get", "GE T", "", "G\u0001T", "GET\r\n"}) {
            for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of("authorization", "Bearer " + token))) {
                String id = UUID.randomUUID().toString();
                CheckResponse r = check(m, "/open/x", withId(id, h));
                assertThat(status(r)).as("'%s'", m).isEqualTo(400);
                assertThat(r.getStatus().getCode()).as("INVALID_ARGUMENT").isEqualTo(3);
                assertThat(reason(r)).isEqualTo("method_invalid");
                assertThat(r.getDeniedResponse().getBody()).contains("\"error\":\"bad_request\"");
                JsonNode line = logLine(id);
                assertThat(line.get("denial").asText()).isEqualTo("bad_request");
                assertThat(line.get("status").asInt()).isEqualTo(400);
            }
        }
        assertThat(status(check("GET", "/open/x", Map.of()))).isEqualTo(200);
        assertThat(status(check("PROPFIND", "/open/x", Map.of()))).isEqualTo(200);
    }

    @Test
    void grpc_a_malformed_path_is_400_path_rejected_with_or_without_credentials() throws Exception {
        String token = mint("alice@example.com");
        for (String p : new String[] {"/open/a%00b", "open/x", "/open/\u0001", "/open/a\u007f"}) {
            for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of("authorization", "Bearer " + token))) {
                CheckResponse r = check("GET", p, h);
                assertThat(status(r)).as(p).isEqualTo(400);
                assertThat(r.getStatus().getCode()).isEqualTo(3);
                assertThat(reason(r)).isEqualTo("path_rejected");
            }
        }
    }

    @Test
    void grpc_path_templates_with_literals_after_the_multi_segment_operator() {
        assertThat(status(check("GET", "/shop/a/b/basket", Map.of()))).isEqualTo(200);
        assertThat(status(check("GET", "/shop//basket", Map.of()))).isEqualTo(200);
        assertThat(status(check("GET", "/shop/basket", Map.of()))).isEqualTo(403);
        assertThat(status(check("GET", "/shop/a/basket/x", Map.of()))).isEqualTo(403);
        assertThat(status(check("GET", "/files/a/b/", Map.of()))).isEqualTo(200);
        assertThat(status(check("GET", "/files/a/b", Map.of()))).isEqualTo(403);
    }

    // ---- remote.ip and source.ip ----

    @Test
    void grpc_remote_ip_is_the_trusted_xff_entry_so_a_prepended_address_cannot_dodge_a_deny() {
        // client 198.51.100.66 writes an office address first; the gateway appended the client and then its peer
        CheckResponse forged = check("GET", "/office/x", Map.of("x-forwarded-for", "192.0.2.10, 198.51.100.66, 10.0.0.3"));
        assertThat(status(forged)).isEqualTo(403);
        assertThat(reason(forged)).isEqualTo("policy_denied");
        assertThat(status(check("GET", "/office/x", Map.of("x-forwarded-for", "198.51.100.66, 192.0.2.10, 10.0.0.3"))))
                .isEqualTo(200);
        // too short, garbage, or absent: the peer (10.0.0.3), not in the office network
        for (String xff : new String[] {"10.0.0.3", "garbage, 10.0.0.3", "192.0.2.10:80, 10.0.0.3", ",,,,"}) {
            assertThat(status(check("GET", "/office/x", Map.of("x-forwarded-for", xff)))).as(xff).isEqualTo(403);
        }
        assertThat(status(check("GET", "/office/x", Map.of()))).isEqualTo(403);
        assertThat(status(check("GET", "/office/x", Map.of(), "", "192.0.2.77"))).as("peer in the office").isEqualTo(200);
        // source.ip stays the peer: a lab address in XFF does not make the peer a lab machine
        assertThat(status(check("GET", "/lab/x", Map.of("x-forwarded-for", "192.0.2.5, 10.0.0.3")))).isEqualTo(403);
        assertThat(status(check("GET", "/lab/x", Map.of(), "", "192.0.2.5"))).isEqualTo(200);
    }

    @Test
    void grpc_an_x_forwarded_for_of_any_length_or_garbage_is_judged_quickly() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            b.append("192.0.2.").append(i % 250).append(", ");
        }
        String longList = b.append("198.51.100.66, 10.0.0.3").toString();
        long t0 = System.nanoTime();
        assertThat(status(check("GET", "/office/x", Map.of("x-forwarded-for", longList)))).isEqualTo(403);
        assertThat(status(check("GET", "/office/x", Map.of("x-forwarded-for", "\u0007\u00ff\ud83d\ude00, ;;;,"))))
                .isEqualTo(403);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    // ---- hostile identity headers ----

    @Test
    void grpc_identity_headers_in_any_casing_repetition_or_conflict_are_never_the_identity() throws Exception {
        CheckResponse anonymous = check("GET", "/open/x", Map.of("kubeflow-userid", "root@example.com",
                "kubeflow-groups", "admins"));
        assertThat(status(anonymous)).isEqualTo(200);
        assertThat(anonymous.getOkResponse().getHeadersList()).isEmpty();
        assertThat(anonymous.getOkResponse().getHeadersToRemoveList()).contains("kubeflow-userid", "kubeflow-groups");

        // raw header bytes (encode_raw_headers), odd casing and repeated: still stripped, never believed
        HeaderMap raw = HeaderMap.newBuilder()
                .addHeaders(HeaderValue.newBuilder().setKey("KubeFlow-UserID").setRawValue(ByteString.copyFromUtf8("root")))
                .addHeaders(HeaderValue.newBuilder().setKey("kubeflow-userid").setRawValue(ByteString.copyFromUtf8("admin")))
                .addHeaders(HeaderValue.newBuilder().setKey("Authorization")
                        .setRawValue(ByteString.copyFromUtf8("Bearer " + mint("bob@example.com"))))
                .build();
        CheckRequest req = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod("GET").setPath("/open/x").setHeaderMap(raw)))).build();
        CheckResponse viaRaw = grpc.stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(req);
        assertThat(status(viaRaw)).isEqualTo(200);
        assertThat(GrpcClient.headersOf(viaRaw.getOkResponse())).containsEntry("kubeflow-userid", "bob@example.com");

        // a CR/LF in a header value is refused, smuggled identity or not
        String id = UUID.randomUUID().toString();
        CheckResponse crlf = check("GET", "/open/x", withId(id, Map.of("kubeflow-userid", "a\r\nkubeflow-userid: root")));
        assertThat(status(crlf)).isEqualTo(400);
        assertThat(reason(crlf)).isEqualTo("header_invalid");
        assertThat(logLine(id).get("denial").asText()).isEqualTo("bad_request");

        // two credentials in one repeated header are not one credential
        CheckResponse two = check("GET", "/open/x", Map.of("authorization",
                "Bearer " + mint("bob@example.com") + ",Bearer " + mint("eve@example.com")));
        assertThat(status(two)).isEqualTo(401);
        assertThat(GrpcClient.headersOf(two.getDeniedResponse())).doesNotContainKey("kubeflow-userid");
    }

    @Test
    void every_refusal_is_counted_by_outcome_and_reason() throws Exception {
        check("get", "/open/x", Map.of());
        check("GET", "/open/a%00", Map.of());
        check("GET", "/open/x", Map.of("x-a", "a\nb"));
        check("GET", "/nowhere", Map.of());
        check("GET", "/api/namespaces/team/notebooks", Map.of());
        String id = UUID.randomUUID().toString();
        HttpResponse<String> peer = httpCheck("GET", "/open/x", Map.of(RequestSemanticsProfile.PEER_HEADER, "a, b",
                "x-request-id", id));
        assertThat(peer.statusCode()).isEqualTo(400);
        JsonNode line = logLine(id);
        assertThat(line.get("reason").asText()).isEqualTo("peer_address_invalid");
        assertThat(line.get("denial").asText()).isEqualTo("bad_request");
        assertThat(line.get("protocol").asText()).isEqualTo("http");
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String reason : new String[] {"method_invalid", "path_rejected", "header_invalid", "policy_no_match",
                "rbac_requires_identity", "peer_address_invalid"}) {
            assertThat(metrics).contains("greenshank_authz_decisions_total{outcome=\"deny\",reason=\"" + reason + "\"");
        }
    }

    // ---- the HTTP protocol ----

    @Test
    void http_protocol_refusals_have_the_same_statuses() throws Exception {
        HttpResponse<String> lower = httpCheck("get", "/open/x", Map.of());
        assertThat(lower.statusCode()).isEqualTo(400);
        assertThat(lower.headers().firstValue("x-greenshank-reason")).contains("method_invalid");
        HttpResponse<String> nul = httpCheck("GET", "/open/a%00b", Map.of());
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(nul.headers().firstValue("x-greenshank-reason")).contains("path_rejected");
        HttpResponse<String> policy = httpCheck("GET", "/nowhere", Map.of());
        assertThat(policy.statusCode()).isEqualTo(403);
        assertThat(policy.body()).contains("\"reason\":\"policy_no_match\"");
        assertThat(httpCheck("GET", "/api/namespaces/team/notebooks", Map.of()).statusCode()).isEqualTo(401);
        assertThat(httpCheck("GET", "/shop/a/basket", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void http_protocol_smuggled_identity_headers_in_odd_casing_are_stripped_never_believed() throws Exception {
        HttpResponse<String> anonymous = httpCheck("GET", "/open/x", Map.of("KubeFlow-UserID", "root@example.com",
                "KUBEFLOW-GROUPS", "admins"));
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.headers().firstValue("kubeflow-userid")).isEmpty();
        assertThat(anonymous.headers().firstValue("x-envoy-auth-headers-to-remove")).get().asString()
                .contains("kubeflow-userid").contains("kubeflow-groups");
        HttpResponse<String> withToken = httpCheck("GET", "/open/x", Map.of("Authorization",
                "Bearer " + mint("bob@example.com"), "KubeFlow-UserID", "root@example.com"));
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.headers().allValues("kubeflow-userid")).containsExactly("bob@example.com");
    }

    @Test
    void http_protocol_source_ip_comes_only_from_the_configured_envoy_header() throws Exception {
        String peer = RequestSemanticsProfile.PEER_HEADER;
        assertThat(httpCheck("GET", "/lab/x", Map.of(peer, "192.0.2.5")).statusCode()).isEqualTo(200);
        assertThat(httpCheck("GET", "/lab/x", Map.of(peer, "203.0.113.5")).statusCode()).isEqualTo(403);
        assertThat(httpCheck("GET", "/lab/x", Map.of()).statusCode()).as("unknown peer").isEqualTo(403);
        // client-writable headers are never the peer
        assertThat(httpCheck("GET", "/lab/x", Map.of("x-envoy-external-address", "192.0.2.5",
                "x-forwarded-for", "192.0.2.5", "x-real-ip", "192.0.2.5")).statusCode()).isEqualTo(403);
        // a value that is not exactly one address: the header is not (only) Envoy's
        for (String bad : new String[] {"192.0.2.5, 203.0.113.5", "lab-host", "192.0.2.5:80", ""}) {
            HttpResponse<String> r = httpCheck("GET", "/lab/x", Map.of(peer, bad));
            assertThat(r.statusCode()).as("'%s'", bad).isEqualTo(400);
            assertThat(r.headers().firstValue("x-greenshank-reason")).contains("peer_address_invalid");
        }
        // remote.ip: the trusted XFF entry, else the configured peer
        assertThat(httpCheck("GET", "/office/x", Map.of(peer, "10.0.0.3",
                "x-forwarded-for", "198.51.100.66, 192.0.2.10, 10.0.0.3")).statusCode()).isEqualTo(200);
        assertThat(httpCheck("GET", "/office/x", Map.of(peer, "10.0.0.3",
                "x-forwarded-for", "192.0.2.10, 198.51.100.66, 10.0.0.3")).statusCode()).isEqualTo(403);
        assertThat(httpCheck("GET", "/office/x", Map.of(peer, "192.0.2.9")).statusCode()).isEqualTo(200);
    }

    // ---- explain ----

    JsonNode explain(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "explain"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void explain_says_which_kind_of_refusal_the_check_gets() throws Exception {
        JsonNode rbac = explain("{\"method\":\"GET\",\"path\":\"/api/namespaces/team/notebooks\"}");
        assertThat(rbac.get("status").asInt()).isEqualTo(401);
        assertThat(rbac.get("denial").asText()).isEqualTo("credential_required");
        assertThat(rbac.get("reason").asText()).isEqualTo("rbac_requires_identity");
        JsonNode policy = explain("{\"method\":\"GET\",\"path\":\"/nowhere\"}");
        assertThat(policy.get("status").asInt()).isEqualTo(403);
        assertThat(policy.get("denial").asText()).isEqualTo("policy");
        assertThat(policy.get("reason").asText()).isEqualTo("policy_no_match");
        JsonNode bad = explain("{\"method\":\"GET\",\"path\":\"/open/a%00\"}");
        assertThat(bad.get("status").asInt()).isEqualTo(400);
        assertThat(bad.get("denial").asText()).isEqualTo("bad_request");
        JsonNode ok = explain("{\"method\":\"GET\",\"path\":\"/files/a/\"}");
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("denial").asText()).isEmpty();
        HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create(base + "explain/text"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"GET\",\"path\":\"/nowhere\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(text.body()).contains("response:     403 policy (policy_no_match)");
    }
}
