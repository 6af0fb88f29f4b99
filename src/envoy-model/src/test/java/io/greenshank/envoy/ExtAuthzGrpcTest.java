package io.greenshank.envoy;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.greenshank.envoy.Answers.action;
import static io.greenshank.envoy.Answers.append;
import static io.greenshank.envoy.Answers.ok;
import static io.greenshank.envoy.Answers.overwrite;
import static org.assertj.core.api.Assertions.assertThat;

/** How Envoy applies a gRPC CheckResponse (ext_authz_grpc_impl.cc, ext_authz.cc Filter::onComplete). */
class ExtAuthzGrpcTest {

    static Envoy envoy(GrpcHeaderOptionSemantics semantics, GrpcAuthorizationServer server) {
        return Envoy.grpc(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                ExtAuthzConfig.grpc().grpcHeaderOptions(semantics).build()), server);
    }

    static Envoy envoy(GrpcAuthorizationServer server) {
        return envoy(GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY, server);
    }

    static DownstreamRequest.Builder request() {
        return DownstreamRequest.get("/notebooks");
    }

    @ParameterizedTest
    @EnumSource(GrpcHeaderOptionSemantics.class)
    void the_old_bug_a_header_both_set_and_listed_for_removal_never_reaches_the_upstream(GrpcHeaderOptionSemantics s) {
        CheckResponse answer = ok(OkHttpResponse.newBuilder()
                .addHeaders(overwrite("kubeflow-userid", "alice@example.com"))
                .addHeaders(overwrite("kubeflow-groups", "team-a"))
                .addHeadersToRemove("kubeflow-userid").addHeadersToRemove("kubeflow-groups"));
        UpstreamRequest up = envoy(s, (req, t) -> answer).handle(request()
                .header("kubeflow-userid", "mallory@example.com").build()).upstream();
        assertThat(up.headers().contains("kubeflow-userid")).isFalse();
        assertThat(up.headers().contains("kubeflow-groups")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(GrpcHeaderOptionSemantics.class)
    void an_overwrite_replaces_every_client_copy_in_any_case_and_repeat(GrpcHeaderOptionSemantics s) {
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addHeaders(overwrite("kubeflow-userid", "alice@example.com")));
        UpstreamRequest up = envoy(s, (req, t) -> answer).handle(request()
                .header("Kubeflow-Userid", "mallory").header("KUBEFLOW-USERID", "eve")
                .header("kubeflow-userid", "a, b").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("alice@example.com");
        assertThat(up.headers().names()).containsOnlyOnce("kubeflow-userid");
    }

    @Test
    void append_true_joins_onto_the_existing_value_and_does_nothing_when_the_header_is_absent() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addHeaders(append("x-tags", "b"))
                .addHeaders(append("x-absent", "z")));
        UpstreamRequest up = envoy((req, t) -> answer).handle(request().header("x-tags", "a").build()).upstream();
        assertThat(up.headers().values("x-tags")).containsExactly("a,b");
        assertThat(up.headers().contains("x-absent")).isFalse();
    }

    @Test
    void released_envoy_ignores_append_action_and_sets_when_append_is_unset() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder()
                .addHeaders(action("kubeflow-userid", "alice", HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)));
        UpstreamRequest up = envoy(GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY, (req, t) -> answer)
                .handle(request().header("kubeflow-userid", "mallory").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("alice");
    }

    @Test
    void envoy_main_reads_append_action_and_its_default_adds_beside_the_client_copy() {
        // neither append nor append_action set: the action's default is APPEND_IF_EXISTS_OR_ADD
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addHeaders(Answers.option("kubeflow-userid", "alice")));
        UpstreamRequest up = envoy(GrpcHeaderOptionSemantics.APPEND_ACTION_IN_ORDER, (req, t) -> answer)
                .handle(request().header("kubeflow-userid", "mallory").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("mallory", "alice");
    }

    @Test
    void envoy_main_honours_add_if_absent_and_overwrite_if_exists() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder()
                .addHeaders(action("x-present", "new", HeaderAppendAction.ADD_IF_ABSENT))
                .addHeaders(action("x-missing", "added", HeaderAppendAction.ADD_IF_ABSENT))
                .addHeaders(action("x-other", "over", HeaderAppendAction.OVERWRITE_IF_EXISTS))
                .addHeaders(action("x-nowhere", "never", HeaderAppendAction.OVERWRITE_IF_EXISTS)));
        UpstreamRequest up = envoy(GrpcHeaderOptionSemantics.APPEND_ACTION_IN_ORDER, (req, t) -> answer)
                .handle(request().header("x-present", "old").header("x-other", "1").header("x-other", "2").build())
                .upstream();
        assertThat(up.headers().values("x-present")).containsExactly("old");
        assertThat(up.headers().values("x-missing")).containsExactly("added");
        assertThat(up.headers().values("x-other")).containsExactly("over");
        assertThat(up.headers().contains("x-nowhere")).isFalse();
    }

    @Test
    void released_envoy_applies_sets_before_appends_whatever_the_listed_order() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addHeaders(append("x-a", "appended"))
                .addHeaders(overwrite("x-a", "set")));
        assertThat(envoy(GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY, (req, t) -> answer).handle(request().build())
                .upstream().headers().values("x-a")).containsExactly("set,appended");
        assertThat(envoy(GrpcHeaderOptionSemantics.APPEND_ACTION_IN_ORDER, (req, t) -> answer).handle(request().build())
                .upstream().headers().values("x-a")).containsExactly("set");
    }

    @Test
    void removals_ignore_pseudo_headers_and_host_and_match_names_in_any_case() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addHeadersToRemove(":path")
                .addHeadersToRemove(":authority").addHeadersToRemove("host").addHeadersToRemove("Kubeflow-Userid"));
        UpstreamRequest up = envoy((req, t) -> answer).handle(request().authority("app.example.test")
                .header("kubeflow-userid", "mallory").build()).upstream();
        assertThat(up.path()).isEqualTo("/notebooks");
        assertThat(up.authority()).isEqualTo("app.example.test");
        assertThat(up.headers().contains("kubeflow-userid")).isFalse();
    }

    @Test
    void a_denial_sends_the_servers_status_headers_and_body() {
        CheckResponse answer = Answers.denied(16, Answers.deniedWith(401, "{\"error\":\"unauthenticated\"}")
                .addHeaders(overwrite("www-authenticate", "Bearer realm=\"x\""))
                .addHeaders(overwrite("content-type", "application/json")));
        EnvoyOutcome out = envoy((req, t) -> answer).handle(request().build());
        ClientResponse r = out.clientResponse();
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"unauthenticated\"}");
        assertThat(r.headers().values("www-authenticate")).containsExactly("Bearer realm=\"x\"");
        assertThat(r.headers().values("content-type")).containsExactly("application/json");
        assertThat(r.headers().values("content-length")).containsExactly("27");
        assertThat(r.details()).isEqualTo("ext_authz_denied");
        assertThat(out.forwarded()).isFalse();
    }

    @Test
    void a_denial_without_status_is_403_and_a_body_without_content_type_is_text_plain() {
        CheckResponse answer = Answers.denied(7, DeniedHttpResponse.newBuilder().setBody("no"));
        ClientResponse r = envoy((req, t) -> answer).handle(request().build()).clientResponse();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers().values("content-type")).containsExactly("text/plain");
        CheckResponse bare = CheckResponse.newBuilder().setStatus(com.google.rpc.Status.newBuilder().setCode(7)).build();
        ClientResponse r2 = envoy((req, t) -> bare).handle(request().build()).clientResponse();
        assertThat(r2.status()).isEqualTo(403);
        assertThat(r2.body()).isEmpty();
    }

    @Test
    void released_envoy_drops_an_append_true_header_from_a_denial() {
        CheckResponse answer = Answers.denied(16, Answers.deniedWith(401, "").addHeaders(append("x-dropped", "1"))
                .addHeaders(overwrite("x-kept", "2")));
        ClientResponse r = envoy((req, t) -> answer).handle(request().build()).clientResponse();
        assertThat(r.headers().contains("x-dropped")).isFalse();
        assertThat(r.headers().values("x-kept")).containsExactly("2");
    }

    @Test
    void an_unreachable_server_is_status_on_error_403_and_nothing_reaches_the_upstream() {
        EnvoyOutcome out = envoy((req, t) -> {
            throw new IOException("connection refused");
        }).handle(request().header("kubeflow-userid", "mallory").build());
        assertThat(out.forwarded()).isFalse();
        assertThat(out.clientResponse().status()).isEqualTo(403);
        assertThat(out.clientResponse().body()).isEmpty();
        assertThat(out.clientResponse().details()).isEqualTo("ext_authz_error");
    }

    @Test
    void status_on_error_and_failure_mode_allow_are_honoured() {
        GrpcAuthorizationServer down = (req, t) -> {
            throw new IOException("down");
        };
        Envoy custom = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                ExtAuthzConfig.grpc().statusOnError(503).build()), down);
        assertThat(custom.handle(request().build()).clientResponse().status()).isEqualTo(503);
        Envoy open = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                ExtAuthzConfig.grpc().failureModeAllow(true).failureModeAllowHeaderAdd(true).build()), down);
        UpstreamRequest up = open.handle(request().header("kubeflow-userid", "mallory").build()).upstream();
        assertThat(up.headers().values("kubeflow-userid")).containsExactly("mallory");
        assertThat(up.headers().values("x-envoy-auth-failure-mode-allowed")).containsExactly("true");
    }

    @Test
    void the_call_carries_the_filter_timeout_200ms_by_default() {
        AtomicReference<Duration> seen = new AtomicReference<>();
        envoy((req, t) -> {
            seen.set(t);
            return ok(OkHttpResponse.newBuilder());
        }).handle(request().build());
        assertThat(seen.get()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void an_allow_that_pushes_the_request_past_the_header_limits_is_a_500() {
        OkHttpResponse.Builder many = OkHttpResponse.newBuilder();
        for (int i = 0; i < 120; i++) {
            many.addHeaders(overwrite("x-h-" + i, "v"));
        }
        ClientResponse r = envoy((req, t) -> ok(many)).handle(request().build()).clientResponse();
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.details()).isEqualTo("ext_authz_invalid");
    }

    @Test
    void response_headers_to_add_are_kept_for_the_upstreams_response() {
        CheckResponse answer = ok(OkHttpResponse.newBuilder().addResponseHeadersToAdd(append("set-cookie", "a=b")));
        EnvoyOutcome out = envoy((req, t) -> answer).handle(request().build());
        assertThat(((EnvoyOutcome.Forwarded) out).responseHeaderMutations())
                .containsExactly(new HeaderMutation("set-cookie", "a=b", HeaderMutation.Action.ADD));
    }

    @Test
    void the_check_request_sent_is_recorded_on_the_outcome() {
        List<CheckRequest> sent = new ArrayList<>();
        EnvoyOutcome out = envoy((req, t) -> {
            sent.add(req);
            return ok(OkHttpResponse.newBuilder());
        }).handle(request().build());
        assertThat(out.authorizationCall()).contains(new AuthorizationCall.Grpc(sent.get(0)));
    }
}
