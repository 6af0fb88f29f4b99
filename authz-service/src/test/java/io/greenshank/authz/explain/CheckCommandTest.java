package io.greenshank.authz.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bin/greenshank-check}: what it sends, and how it prints a CheckResponse (no server needed). */
class CheckCommandTest {

    static HeaderValueOption header(String k, String v) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v)).build();
    }

    @Test
    void the_request_is_what_envoy_sends_for_a_request_through_the_gateway() {
        CheckRequest r = CheckCommand.request("GET", "kubeflow.example.com", "/notebook/alice/nb1/lab",
                Map.of("authorization", "Bearer t"), "spiffe://cluster.local/ns/istio-system/sa/gw");
        assertThat(r.getAttributes().getSource().getPrincipal()).isEqualTo("spiffe://cluster.local/ns/istio-system/sa/gw");
        var http = r.getAttributes().getRequest().getHttp();
        assertThat(http.getMethod()).isEqualTo("GET");
        assertThat(http.getPath()).isEqualTo("/notebook/alice/nb1/lab");
        assertThat(http.getHost()).isEqualTo("kubeflow.example.com");
        assertThat(http.getHeadersMap()).containsEntry("authorization", "Bearer t")
                .containsEntry(":path", "/notebook/alice/nb1/lab").containsEntry(":authority", "kubeflow.example.com");
    }

    @Test
    void an_allow_prints_the_headers_set_and_removed_upstream() {
        CheckResponse ok = CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(0))
                .setOkResponse(OkHttpResponse.newBuilder().addHeaders(header("kubeflow-userid", "alice@example.com"))
                        .addHeaders(header("kubeflow-groups", "ml-engineers"))).build();
        assertThat(CheckCommand.render(ok)).isEqualTo("""
                ALLOW (gRPC status OK): the request goes upstream
                headers set:
                  kubeflow-userid: alice@example.com
                  kubeflow-groups: ml-engineers
                headers removed: (none)
                """);
    }

    @Test
    void a_deny_prints_the_clients_status_headers_and_body() {
        CheckResponse denied = CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(7))
                .setDeniedResponse(DeniedHttpResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.Forbidden))
                        .addHeaders(header("x-greenshank-reason", "policy_no_match"))
                        .setBody("{\"error\":\"forbidden\",\"reason\":\"policy_no_match\"}")).build();
        assertThat(CheckCommand.render(denied)).isEqualTo("""
                DENY (gRPC status PERMISSION_DENIED)
                denied status: 403
                headers:
                  x-greenshank-reason: policy_no_match
                body: {"error":"forbidden","reason":"policy_no_match"}
                """);
    }

    @Test
    void usage_errors_exit_1_and_nothing_is_sent() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(CheckCommand.run(new String[] {"--token"}, o, e)).isEqualTo(1);
        assertThat(CheckCommand.run(new String[] {"-H", "no-colon", "/x"}, o, e)).isEqualTo(1);
        assertThat(CheckCommand.run(new String[] {}, o, e)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: greenshank-check");
    }
}
