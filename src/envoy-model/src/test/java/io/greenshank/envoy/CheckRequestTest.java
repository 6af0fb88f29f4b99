package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CheckRequest Envoy builds (check_request_utils.cc, CheckRequestUtils::createHttpCheck). */
class CheckRequestTest {

    static CheckRequest sent(ConnectionManagerConfig hcm, ExtAuthzConfig extAuthz, DownstreamRequest request) {
        List<CheckRequest> sent = new ArrayList<>();
        Envoy.grpc(EnvoyConfig.of(hcm, extAuthz), (req, t) -> {
            sent.add(req);
            return Answers.ok(OkHttpResponse.newBuilder());
        }).handle(request);
        assertThat(sent).hasSize(1);
        return sent.get(0);
    }

    static CheckRequest sent(DownstreamRequest request) {
        return sent(ConnectionManagerConfig.defaults(), ExtAuthzConfig.grpc().build(), request);
    }

    @Test
    void headers_are_lower_case_repeats_merged_with_comma_and_pseudo_headers_included() {
        CheckRequest c = sent(DownstreamRequest.get("/notebooks?ns=a").authority("kf.example.test")
                .header("Kubeflow-Userid", "mallory").header("KUBEFLOW-USERID", " eve ").header("X-Tags", "a, b")
                .header("Authorization", "Bearer t").build());
        AttributeContext.HttpRequest http = c.getAttributes().getRequest().getHttp();
        Map<String, String> h = http.getHeadersMap();
        assertThat(h).containsEntry("kubeflow-userid", "mallory,eve").containsEntry("x-tags", "a, b")
                .containsEntry("authorization", "Bearer t").containsEntry(":authority", "kf.example.test")
                .containsEntry(":path", "/notebooks?ns=a").containsEntry(":method", "GET")
                .containsEntry(":scheme", "http").containsEntry("x-forwarded-proto", "http");
        assertThat(h.keySet()).allMatch(k -> k.equals(k.toLowerCase())).doesNotContain("host");
        assertThat(http.getMethod()).isEqualTo("GET");
        assertThat(http.getPath()).isEqualTo("/notebooks?ns=a");
        assertThat(http.getQuery()).isEmpty();
        assertThat(http.getHost()).isEqualTo("kf.example.test");
        assertThat(http.getScheme()).isEqualTo("http");
        assertThat(http.getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(http.getId()).isNotEmpty();
        assertThat(c.getAttributes().getRequest().hasTime()).isTrue();
    }

    @Test
    void source_is_the_direct_peer_with_its_mtls_principal_and_destination_the_listener() {
        ConnectionManagerConfig hcm = ConnectionManagerConfig.builder().useRemoteAddress(true).xffNumTrustedHops(1)
                .localPrincipal("spiffe://cluster.local/ns/kubeflow/sa/gateway").build();
        CheckRequest c = sent(hcm, ExtAuthzConfig.grpc().build(), DownstreamRequest.get("/")
                .header("x-forwarded-for", "198.51.100.9").from("192.0.2.44:50000").to("10.1.2.3:8443")
                .mtlsPeer("spiffe://cluster.local/ns/istio-system/sa/ingress").build());
        AttributeContext a = c.getAttributes();
        // the source address is the connection's, not the one x-forwarded-for names
        assertThat(a.getSource().getAddress().getSocketAddress().getAddress()).isEqualTo("192.0.2.44");
        assertThat(a.getSource().getAddress().getSocketAddress().getPortValue()).isEqualTo(50000);
        assertThat(a.getSource().getPrincipal()).isEqualTo("spiffe://cluster.local/ns/istio-system/sa/ingress");
        assertThat(a.getDestination().getAddress().getSocketAddress().getAddress()).isEqualTo("10.1.2.3");
        assertThat(a.getDestination().getPrincipal()).isEqualTo("spiffe://cluster.local/ns/kubeflow/sa/gateway");
        assertThat(a.getRequest().getHttp().getScheme()).isEqualTo("https");
    }

    @Test
    void grpc_allowed_headers_limit_what_is_sent_pseudo_headers_included() {
        CheckRequest c = sent(ConnectionManagerConfig.defaults(),
                ExtAuthzConfig.grpc().allowedHeaders(StringMatcher.exact("authorization"), StringMatcher.prefix("x-")).build(),
                DownstreamRequest.get("/").header("authorization", "Bearer t").header("x-a", "1").header("cookie", "c=1").build());
        assertThat(c.getAttributes().getRequest().getHttp().getHeadersMap().keySet())
                .contains("authorization", "x-a").doesNotContain("cookie", ":path", ":method");
        // the dedicated fields are filled whatever the list says
        assertThat(c.getAttributes().getRequest().getHttp().getPath()).isEqualTo("/");
    }

    @Test
    void encode_raw_headers_sends_each_field_unmerged_as_bytes() {
        CheckRequest c = sent(ConnectionManagerConfig.defaults(), ExtAuthzConfig.grpc().encodeRawHeaders(true).build(),
                DownstreamRequest.get("/").header("x-a", "1").header("x-a", "2").build());
        AttributeContext.HttpRequest http = c.getAttributes().getRequest().getHttp();
        assertThat(http.getHeadersMap()).isEmpty();
        assertThat(http.getHeaderMap().getHeadersList()).filteredOn(h -> h.getKey().equals("x-a"))
                .extracting(h -> h.getRawValue().toStringUtf8()).containsExactly("1", "2");
    }

    @Test
    void a_clients_own_partial_body_marker_is_never_passed_on_and_bad_utf8_becomes_bang() {
        CheckRequest c = sent(DownstreamRequest.get("/").header("x-envoy-auth-partial-body", "true")
                .header("x-bin", "a\u00ff\u00c3(b").build());
        Map<String, String> h = c.getAttributes().getRequest().getHttp().getHeadersMap();
        assertThat(h).doesNotContainKey("x-envoy-auth-partial-body").containsEntry("x-bin", "a!!(b");
        // valid UTF-8 octets decode to text
        CheckRequest utf8 = sent(DownstreamRequest.get("/").header("x-name", Octets.fromUtf8("José")).build());
        assertThat(utf8.getAttributes().getRequest().getHttp().getHeadersMap()).containsEntry("x-name", "José");
    }

    @Test
    void context_extensions_and_http2_protocol_are_reported() {
        CheckRequest c = sent(ConnectionManagerConfig.builder().codec(Codec.HTTP2).build(),
                ExtAuthzConfig.grpc().contextExtensions(Map.of("route", "notebooks")).build(),
                DownstreamRequest.get("/").tls().build());
        assertThat(c.getAttributes().getContextExtensionsMap()).containsEntry("route", "notebooks");
        assertThat(c.getAttributes().getRequest().getHttp().getProtocol()).isEqualTo("HTTP/2");
        assertThat(c.getAttributes().getRequest().getHttp().getScheme()).isEqualTo("https");
    }
}
