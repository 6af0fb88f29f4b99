package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicInteger;

import static io.greenshank.envoy.Answers.ok;
import static io.greenshank.envoy.Answers.overwrite;
import static org.assertj.core.api.Assertions.assertThat;

/** The codec and the connection manager before ext_authz (codec_impl.cc, conn_manager_utility.cc). */
class DownstreamTest {

    final AtomicInteger calls = new AtomicInteger();

    Envoy envoy(ConnectionManagerConfig hcm) {
        return Envoy.grpc(EnvoyConfig.of(hcm, ExtAuthzConfig.grpc().build()), (req, t) -> {
            calls.incrementAndGet();
            return ok(OkHttpResponse.newBuilder().addHeaders(overwrite("kubeflow-userid", "alice")));
        });
    }

    Envoy http1() {
        return envoy(ConnectionManagerConfig.defaults());
    }

    Envoy http2() {
        return envoy(ConnectionManagerConfig.builder().codec(Codec.HTTP2).build());
    }

    @Test
    void http1_lower_cases_names_and_trims_values() {
        UpstreamRequest up = http1().handle(DownstreamRequest.get("/").header("X-Custom-Thing", "  v  ").build()).upstream();
        assertThat(up.headers().names()).contains("x-custom-thing");
        assertThat(up.headers().values("x-custom-thing")).containsExactly("v");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Get", "G@T", "FOO", ""})
    void http1_answers_400_to_a_method_its_parser_does_not_know(String method) {
        EnvoyOutcome out = http1().handle(DownstreamRequest.method(method, "/").build());
        assertThat(out.clientResponse().status()).isEqualTo(400);
        assertThat(out.clientResponse().details()).isEqualTo("http1.codec_error");
        assertThat(out.authorizationCall()).isEmpty();
        assertThat(calls).hasValue(0);
    }

    @Test
    void http2_accepts_any_token_method_including_lower_case() {
        assertThat(http2().handle(DownstreamRequest.method("get", "/").build()).upstream().method()).isEqualTo("get");
        assertThat(http2().handle(DownstreamRequest.method("G@T", "/").build()).clientResponse().isReset()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\0b", "a\rb", "a\nb", "a\r\nx-injected: 1"})
    void a_value_with_nul_cr_or_lf_is_refused_by_either_codec(String value) {
        ClientResponse h1 = http1().handle(DownstreamRequest.get("/").header("x-v", value).build()).clientResponse();
        assertThat(h1.status()).isEqualTo(400);
        assertThat(h1.details()).isEqualTo("http1.invalid_characters");
        assertThat(http2().handle(DownstreamRequest.get("/").header("x-v", value).build()).clientResponse().isReset()).isTrue();
        assertThat(calls).hasValue(0);
    }

    @Test
    void a_name_that_is_not_a_token_is_refused_and_http2_refuses_upper_case_names() {
        assertThat(http1().handle(DownstreamRequest.get("/").header("bad name", "v").build()).clientResponse().status())
                .isEqualTo(400);
        EnvoyOutcome upper = http2().handle(DownstreamRequest.get("/").header("Kubeflow-Userid", "mallory").build());
        assertThat(upper.clientResponse().isReset()).isTrue();
        assertThat(upper.clientResponse().details()).isEqualTo("http2.invalid.header.field");
        assertThat(http2().handle(DownstreamRequest.get("/").header("connection", "close").build()).clientResponse()
                .isReset()).isTrue();
    }

    @Test
    void too_many_or_too_large_headers_are_431_over_http1_and_a_reset_over_http2() {
        DownstreamRequest.Builder many = DownstreamRequest.get("/");
        for (int i = 0; i < 150; i++) {
            many.header("x-h-" + i, "v");
        }
        ClientResponse r = http1().handle(many.build()).clientResponse();
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.details()).isEqualTo("http1.too_many_headers");
        DownstreamRequest big = DownstreamRequest.get("/").header("x-junk", "a".repeat(70 * 1024)).build();
        assertThat(http1().handle(big).clientResponse().details()).isEqualTo("http1.headers_too_large");
        assertThat(http2().handle(big).clientResponse().isReset()).isTrue();
        ConnectionManagerConfig roomy = ConnectionManagerConfig.builder().maxRequestHeadersKb(128).build();
        assertThat(envoy(roomy).handle(big).forwarded()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void http1_without_host_is_400_and_repeated_hosts_are_comma_joined() {
        assertThat(http1().handle(DownstreamRequest.get("/").authority("").build()).clientResponse().details())
                .isEqualTo("missing_host_header");
        UpstreamRequest up = http1().handle(DownstreamRequest.get("/").authority("a.test").header("Host", "b.test").build())
                .upstream();
        assertThat(up.authority()).isEqualTo("a.test,b.test");
        assertThat(up.headers().contains("host")).isFalse();
    }

    @Test
    void http1_absolute_form_takes_authority_and_path_from_the_url() {
        UpstreamRequest up = http1().handle(DownstreamRequest.get("http://other.test/x?y").authority("a.test").build())
                .upstream();
        assertThat(up.authority()).isEqualTo("other.test");
        assertThat(up.path()).isEqualTo("/x?y");
    }

    @Test
    void http2_joins_cookie_crumbs_with_semicolon() {
        UpstreamRequest up = http2().handle(DownstreamRequest.get("/").header("cookie", "a=1").header("cookie", "b=2").build())
                .upstream();
        assertThat(up.headers().values("cookie")).containsExactly("a=1; b=2");
    }

    @Test
    void use_remote_address_appends_the_peer_to_xff_and_marks_an_edge_request() {
        ConnectionManagerConfig edge = ConnectionManagerConfig.builder().useRemoteAddress(true).build();
        EnvoyOutcome out = envoy(edge).handle(DownstreamRequest.get("/").from("198.51.100.7:4000")
                .header("x-forwarded-for", "1.2.3.4").header("x-forwarded-proto", "https")
                .header("x-envoy-external-address", "forged").header("x-envoy-internal", "true")
                .header("x-envoy-retry-on", "5xx").build());
        UpstreamRequest up = out.upstream();
        assertThat(out.downstreamRemoteAddress()).isEqualTo("198.51.100.7");
        assertThat(up.headers().values("x-forwarded-for")).containsExactly("1.2.3.4,198.51.100.7");
        assertThat(up.headers().values("x-envoy-external-address")).containsExactly("198.51.100.7");
        assertThat(up.headers().values("x-forwarded-proto")).containsExactly("http");
        assertThat(up.headers().lowerCaseNames()).doesNotContain("x-envoy-internal", "x-envoy-retry-on");
        assertThat(up.headers().values("x-request-id")).hasSize(1);
    }

    @Test
    void trusted_hops_take_the_client_from_xff() {
        ConnectionManagerConfig oneHop = ConnectionManagerConfig.builder().useRemoteAddress(true).xffNumTrustedHops(1).build();
        EnvoyOutcome out = envoy(oneHop).handle(DownstreamRequest.get("/").from("10.0.0.9:4000")
                .header("x-forwarded-for", "6.6.6.6, 203.0.113.5").header("x-forwarded-proto", "https").build());
        assertThat(out.downstreamRemoteAddress()).isEqualTo("203.0.113.5");
        assertThat(out.upstream().headers().values("x-forwarded-for")).containsExactly("6.6.6.6, 203.0.113.5,10.0.0.9");
        assertThat(out.upstream().headers().values("x-forwarded-proto")).containsExactly("https");
        assertThat(out.upstream().headers().values("x-envoy-external-address")).containsExactly("203.0.113.5");
        // without use_remote_address, the last XFF element (after skipping the trusted hops) is the client
        EnvoyOutcome behind = envoy(ConnectionManagerConfig.defaults()).handle(DownstreamRequest.get("/")
                .header("x-forwarded-for", "203.0.113.5").build());
        assertThat(behind.downstreamRemoteAddress()).isEqualTo("203.0.113.5");
        assertThat(behind.upstream().headers().contains("x-envoy-external-address")).isFalse();
        assertThat(envoy(ConnectionManagerConfig.defaults()).handle(DownstreamRequest.get("/")
                .header("x-forwarded-for", "not-an-ip").from("192.0.2.1:1").build()).downstreamRemoteAddress())
                .isEqualTo("192.0.2.1");
    }

    @Test
    void an_internal_peer_is_marked_internal() {
        ConnectionManagerConfig edge = ConnectionManagerConfig.builder().useRemoteAddress(true).build();
        UpstreamRequest up = envoy(edge).handle(DownstreamRequest.get("/").from("10.1.1.1:5").build()).upstream();
        assertThat(up.headers().values("x-envoy-internal")).containsExactly("true");
        assertThat(up.headers().contains("x-envoy-external-address")).isFalse();
    }

    @Test
    void path_normalization_resolves_dot_segments_backslashes_and_unreserved_escapes() {
        Envoy istio = envoy(ConnectionManagerConfig.istioDefaults());
        assertThat(istio.handle(DownstreamRequest.get("/a/./b/../c?q=/../x").build()).upstream().path())
                .isEqualTo("/a/c?q=/../x");
        assertThat(istio.handle(DownstreamRequest.get("/notebook/x/y/%2e%2e/%2E%2E/../debug/pprof").build()).upstream()
                .path()).isEqualTo("/debug/pprof");
        assertThat(istio.handle(DownstreamRequest.get("/notebook\\..\\debug/pprof").build()).upstream().path())
                .isEqualTo("/debug/pprof");
        assertThat(istio.handle(DownstreamRequest.get("/%41%2f%7e").build()).upstream().path()).isEqualTo("/A%2f~");
        assertThat(istio.handle(DownstreamRequest.get("/healthz/../admin").build()).upstream().path()).isEqualTo("/admin");
        ClientResponse nul = istio.handle(DownstreamRequest.get("/a%00b").build()).clientResponse();
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.details()).isEqualTo("path_normalization_failed");
        // without normalize_path the path goes on as written
        assertThat(http1().handle(DownstreamRequest.get("/a/../b").build()).upstream().path()).isEqualTo("/a/../b");
        assertThat(http1().handle(DownstreamRequest.get("/a#frag").build()).clientResponse().status()).isEqualTo(400);
        Envoy merging = envoy(ConnectionManagerConfig.builder().normalizePath(true).mergeSlashes(true).build());
        assertThat(merging.handle(DownstreamRequest.get("//a///b/?x=//").build()).upstream().path()).isEqualTo("/a/b/?x=//");
    }

    @Test
    void trailers_pass_through_untouched_over_http2_and_are_dropped_by_default_over_http1() {
        DownstreamRequest withTrailer = DownstreamRequest.post("/").header("kubeflow-userid", "mallory")
                .trailer("kubeflow-userid", "mallory").build();
        UpstreamRequest h2 = http2().handle(withTrailer).upstream();
        assertThat(h2.headers().values("kubeflow-userid")).containsExactly("alice");
        assertThat(h2.trailers().values("kubeflow-userid")).containsExactly("mallory");
        assertThat(http1().handle(withTrailer).upstream().trailers().size()).isZero();
        ConnectionManagerConfig trailers = ConnectionManagerConfig.builder().http1EnableTrailers(true).build();
        assertThat(envoy(trailers).handle(withTrailer).upstream().trailers().values("kubeflow-userid"))
                .containsExactly("mallory");
    }

    @Test
    void a_client_xfcc_is_sanitized_by_default_and_appended_to_over_mtls() {
        DownstreamRequest forged = DownstreamRequest.get("/").header("x-forwarded-client-cert", "URI=spiffe://forged").build();
        assertThat(http1().handle(forged).upstream().headers().contains("x-forwarded-client-cert")).isFalse();
        ConnectionManagerConfig sidecar = ConnectionManagerConfig.builder().forwardClientCert(ForwardClientCert.APPEND_FORWARD)
                .setCurrentClientCertUri(true).localPrincipal("spiffe://cluster.local/ns/kubeflow/sa/app").build();
        UpstreamRequest up = envoy(sidecar).handle(DownstreamRequest.get("/").header("x-forwarded-client-cert", "URI=a")
                .mtlsPeer("spiffe://cluster.local/ns/istio-system/sa/gw").build()).upstream();
        assertThat(up.headers().values("x-forwarded-client-cert")).containsExactly(
                "URI=a,By=spiffe://cluster.local/ns/kubeflow/sa/app;URI=spiffe://cluster.local/ns/istio-system/sa/gw");
        // a plaintext client's header is removed even in APPEND_FORWARD
        assertThat(envoy(sidecar).handle(forged).upstream().headers().contains("x-forwarded-client-cert")).isFalse();
    }
}
