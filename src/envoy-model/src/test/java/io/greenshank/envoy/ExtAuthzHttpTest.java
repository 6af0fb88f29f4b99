package io.greenshank.envoy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.greenshank.envoy.StringMatcher.exact;
import static org.assertj.core.api.Assertions.assertThat;

/** Envoy's HTTP ext_authz protocol (ext_authz_http_impl.cc, RawHttpClientImpl). */
class ExtAuthzHttpTest {

    static final HttpServiceConfig SERVICE = HttpServiceConfig.builder().pathPrefix("/ext-authz")
            .allowedUpstreamHeaders(exact("kubeflow-userid"), exact("kubeflow-groups"))
            .allowedClientHeaders(exact("www-authenticate"), exact("location"), exact("x-greenshank-reason"))
            .build();

    final List<AuthorizationHttpRequest> sent = new ArrayList<>();

    Envoy envoy(HttpServiceConfig service, ExtAuthzConfig.Builder extAuthz, AuthorizationHttpResponse answer) {
        return Envoy.http(EnvoyConfig.of(ConnectionManagerConfig.defaults(), extAuthz.build()), (req, t) -> {
            sent.add(req);
            return answer;
        });
    }

    Envoy envoy(AuthorizationHttpResponse answer) {
        return envoy(SERVICE, ExtAuthzConfig.http(SERVICE), answer);
    }

    static AuthorizationHttpResponse answer(int status, String body, String... headers) {
        return new AuthorizationHttpResponse(status, HeaderList.of(headers), body);
    }

    @Test
    void the_request_is_prefix_plus_path_with_the_original_method_host_and_only_the_default_headers() {
        envoy(answer(200, "")).handle(DownstreamRequest.post("/pipelines/runs?x=1").authority("kf.example.test")
                .header("Authorization", "Bearer t").header("Cookie", "s=1").header("Accept", "text/html")
                .header("kubeflow-userid", "mallory").build());
        AuthorizationHttpRequest r = sent.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/ext-authz/pipelines/runs?x=1");
        assertThat(r.authority()).isEqualTo("kf.example.test");
        assertThat(r.headers().names()).containsExactly("content-length", "authorization");
        assertThat(r.headers().values("content-length")).containsExactly("0");
    }

    @Test
    void allowed_headers_add_to_the_four_defaults() {
        envoy(SERVICE, ExtAuthzConfig.http(SERVICE).allowedHeaders(exact("cookie"), exact("x-forwarded-proto")),
                answer(200, "")).handle(DownstreamRequest.get("/").header("Cookie", "s=1").header("accept", "x").build());
        assertThat(sent.get(0).headers().names()).containsExactlyInAnyOrder("content-length", "cookie", "x-forwarded-proto");
    }

    @Test
    void on_200_allowed_upstream_headers_replace_client_copies_and_others_are_ignored() {
        UpstreamRequest up = envoy(answer(200, "", "kubeflow-userid", "bob@example.com", "kubeflow-groups", "ml",
                "x-not-allowed", "1")).handle(DownstreamRequest.get("/")
                .header("KUBEFLOW-USERID", "mallory").header("kubeflow-userid", "eve").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("bob@example.com");
        assertThat(up.headers().values("kubeflow-groups")).containsExactly("ml");
        assertThat(up.headers().contains("x-not-allowed")).isFalse();
    }

    @Test
    void on_200_headers_to_append_add_entries_and_the_removal_header_is_split_on_commas() {
        HttpServiceConfig service = HttpServiceConfig.builder().allowedUpstreamHeadersToAppend(exact("x-tag")).build();
        UpstreamRequest up = envoy(service, ExtAuthzConfig.http(service), answer(200, "", "x-tag", "server",
                "x-envoy-auth-headers-to-remove", " x-a , ,X-B", "x-envoy-auth-headers-to-remove", "x-c"))
                .handle(DownstreamRequest.get("/").header("x-tag", "client").header("x-a", "1").header("x-b", "2")
                        .header("x-c", "3").header("x-d", "4").build()).upstream();
        assertThat(up.headers().values("x-tag")).containsExactly("client", "server");
        assertThat(up.headers().lowerCaseNames()).doesNotContain("x-a", "x-b", "x-c", "x-envoy-auth-headers-to-remove")
                .contains("x-d");
    }

    @Test
    void the_old_bug_over_http_an_identity_header_also_listed_for_removal_is_gone() {
        UpstreamRequest up = envoy(answer(200, "", "kubeflow-userid", "bob@example.com",
                "x-envoy-auth-headers-to-remove", "kubeflow-userid,kubeflow-groups"))
                .handle(DownstreamRequest.get("/").build()).upstream();
        assertThat(up.headers().contains("kubeflow-userid")).isFalse();
    }

    @Test
    void a_denial_passes_only_the_allowed_client_headers_and_envoys_defaults() {
        ClientResponse r = envoy(answer(401, "{\"error\":\"unauthenticated\"}", "www-authenticate", "Bearer x",
                "x-greenshank-reason", "no_credentials", "content-type", "application/json", "x-internal", "secret",
                "kubeflow-userid", "nobody")).handle(DownstreamRequest.get("/").build()).clientResponse();
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"unauthenticated\"}");
        assertThat(r.headers().values("www-authenticate")).containsExactly("Bearer x");
        assertThat(r.headers().values("x-greenshank-reason")).containsExactly("no_credentials");
        // content-type is not in the list: the local reply's own text/plain is used
        assertThat(r.headers().values("content-type")).containsExactly("text/plain");
        assertThat(r.headers().lowerCaseNames()).doesNotContain("x-internal", "kubeflow-userid");
        // location is always allowed once any list is set
        ClientResponse redirect = envoy(answer(302, "", "location", "https://login/")).handle(DownstreamRequest.get("/").build())
                .clientResponse();
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.headers().values("location")).containsExactly("https://login/");
    }

    @Test
    void with_no_allowed_client_headers_every_header_of_the_denial_reaches_the_client() {
        HttpServiceConfig open = HttpServiceConfig.builder().build();
        ClientResponse r = envoy(open, ExtAuthzConfig.http(open), answer(403, "", "x-internal", "secret"))
                .handle(DownstreamRequest.get("/").build()).clientResponse();
        assertThat(r.headers().values("x-internal")).containsExactly("secret");
    }

    @Test
    void a_5xx_or_a_failed_call_is_status_on_error() {
        assertThat(envoy(answer(503, "down")).handle(DownstreamRequest.get("/").build()).clientResponse().status())
                .isEqualTo(403);
        Envoy unreachable = Envoy.http(EnvoyConfig.of(ConnectionManagerConfig.defaults(), ExtAuthzConfig.http(SERVICE).build()),
                (req, t) -> {
                    throw new IOException("refused");
                });
        EnvoyOutcome out = unreachable.handle(DownstreamRequest.get("/").build());
        assertThat(out.clientResponse().status()).isEqualTo(403);
        assertThat(out.clientResponse().details()).isEqualTo("ext_authz_error");
    }

    @Test
    void a_mismatched_server_is_refused_up_front() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                        ExtAuthzConfig.http(SERVICE).build()), (GrpcAuthorizationServer) (req, t) -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
