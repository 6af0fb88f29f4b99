package io.greenshank.envoy;

import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.greenshank.envoy.StringMatcher.exact;
import static org.assertj.core.api.Assertions.assertThat;

/** The ready transports against real servers on free ports. */
class TransportsTest {

    @Test
    void grpc_over_a_real_channel_and_an_unreachable_server_is_403() throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AuthorizationGrpc.AuthorizationImplBase() {
                    @Override
                    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
                        String who = request.getAttributes().getRequest().getHttp().getHeadersOrDefault("x-who", "");
                        responses.onNext(Answers.ok(OkHttpResponse.newBuilder()
                                .addHeaders(Answers.overwrite("kubeflow-userid", who))));
                        responses.onCompleted();
                    }
                }).build().start();
        try (GrpcChannelAuthorizationServer grpc = GrpcChannelAuthorizationServer.connect("127.0.0.1", server.getPort())) {
            Envoy envoy = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                    ExtAuthzConfig.grpc().timeout(Duration.ofSeconds(10)).build()), grpc);
            assertThat(envoy.handle(DownstreamRequest.get("/").header("x-who", "alice").build()).upstream().headers()
                    .values("kubeflow-userid")).containsExactly("alice");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (GrpcChannelAuthorizationServer gone = GrpcChannelAuthorizationServer.connect("127.0.0.1", closed)) {
            EnvoyOutcome out = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(), ExtAuthzConfig.grpc().build()),
                    gone).handle(DownstreamRequest.get("/").build());
            assertThat(out.clientResponse().status()).isEqualTo(403);
        }
    }

    @Test
    void http_sends_the_original_host_method_and_prefixed_path_and_reads_the_answer() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.put("method", ex.getRequestMethod());
            seen.put("uri", ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
            seen.put("host", ex.getRequestHeaders().getFirst("Host"));
            seen.put("authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.getResponseHeaders().add("Kubeflow-Userid", "bob@example.com");
            ex.getResponseHeaders().add("X-Envoy-Auth-Headers-To-Remove", "x-strip");
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            HttpServiceConfig service = HttpServiceConfig.builder().pathPrefix("/ext-authz")
                    .allowedUpstreamHeaders(exact("kubeflow-userid")).build();
            Envoy envoy = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                    ExtAuthzConfig.http(service).timeout(Duration.ofSeconds(10)).build()),
                    JdkHttpAuthorizationServer.at(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
            UpstreamRequest up = envoy.handle(DownstreamRequest.method("DELETE", "/runs/1?force=true")
                    .authority("kf.example.test").header("Authorization", "Bearer t").header("x-strip", "1").build())
                    .upstream();
            assertThat(seen).containsEntry("method", "DELETE").containsEntry("uri", "/ext-authz/runs/1?force=true")
                    .containsEntry("host", "kf.example.test").containsEntry("authorization", "Bearer t");
            assertThat(up.headers().values("kubeflow-userid")).containsExactly("bob@example.com");
            assertThat(up.headers().contains("x-strip")).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void http_denial_body_and_status_come_through() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"error\":\"forbidden\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Greenshank-Reason", "policy_denied");
            ex.sendResponseHeaders(403, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            HttpServiceConfig service = HttpServiceConfig.builder().allowedClientHeaders(exact("x-greenshank-reason")).build();
            ClientResponse r = new Envoy(EnvoyConfig.of(ConnectionManagerConfig.defaults(),
                    ExtAuthzConfig.http(service).timeout(Duration.ofSeconds(10)).build()),
                    JdkHttpAuthorizationServer.at(URI.create("http://127.0.0.1:" + server.getAddress().getPort())))
                    .handle(DownstreamRequest.get("/x").build()).clientResponse();
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("{\"error\":\"forbidden\"}");
            assertThat(r.headers().values("x-greenshank-reason")).containsExactly("policy_denied");
            assertThat(r.headers().lowerCaseNames()).doesNotHaveDuplicates();
            assertThat(List.of(r.headers().values("content-length").get(0))).containsExactly("21");
        } finally {
            server.stop(0);
        }
    }
}
