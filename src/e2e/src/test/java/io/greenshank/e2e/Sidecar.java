package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.ForwardClientCert;
import io.greenshank.envoy.GrpcChannelAuthorizationServer;
import io.greenshank.envoy.HttpServiceConfig;
import io.greenshank.envoy.JdkHttpAuthorizationServer;
import io.greenshank.envoy.StringMatcher;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sidecar in front of alice's notebook, as the Envoy model: Istio's connection manager, the ingress gateway as
 * its mutual-TLS peer, and ext_authz pointed at the running authz-service over both protocols, configured as
 * docs/authz-service.md ("Wiring Envoy") says, the HTTP one learning the peer from {@code x-forwarded-client-cert}. Every request goes through both; the suite asserts what the upstream
 * or the client would receive, never the raw authorization answer.
 */
final class Sidecar implements AutoCloseable {

    static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";

    static final String NOTEBOOK_WORKLOAD = "spiffe://cluster.local/ns/alice/sa/default-editor";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final GrpcChannelAuthorizationServer grpcServer;
    private final Envoy grpc;
    private final Envoy http;

    Sidecar(int grpcPort, int httpPort) {
        // Istio's inbound listener: path normalization, and XFCC appended with the peer's URI (what the HTTP protocol
        // learns the mesh peer from; authz-service runs with mesh.trust-forwarded-client-cert=true)
        ConnectionManagerConfig istio = ConnectionManagerConfig.istioDefaults().toBuilder()
                .forwardClientCert(ForwardClientCert.APPEND_FORWARD).setCurrentClientCertUri(true)
                .localPrincipal(NOTEBOOK_WORKLOAD).build();
        grpcServer = GrpcChannelAuthorizationServer.connect("127.0.0.1", grpcPort);
        grpc = Envoy.grpc(EnvoyConfig.of(istio, ExtAuthzConfig.grpc().timeout(TIMEOUT).build()), grpcServer);
        HttpServiceConfig service = HttpServiceConfig.builder().pathPrefix("/ext-authz")
                .allowedUpstreamHeaders(StringMatcher.exact("kubeflow-userid"), StringMatcher.exact("kubeflow-groups"))
                .allowedClientHeaders(StringMatcher.exact("www-authenticate"), StringMatcher.exact("location"),
                        StringMatcher.exact("x-greenshank-reason"), StringMatcher.exact("content-type"),
                        StringMatcher.exact("cache-control"))
                .build();
        http = Envoy.http(EnvoyConfig.of(istio, ExtAuthzConfig.http(service)
                        .allowedHeaders(StringMatcher.exact("cookie"), StringMatcher.exact("accept"),
                                StringMatcher.exact("x-forwarded-proto"), StringMatcher.exact("x-envoy-external-address"),
                                StringMatcher.exact("x-forwarded-client-cert"))
                        .timeout(TIMEOUT).build()),
                JdkHttpAuthorizationServer.at(URI.create("http://127.0.0.1:" + httpPort)));
    }

    /** A GET from the gateway, with {@code Authorization: Bearer <token>} when a token is given. */
    Outcome get(String token, String path, Map<String, String> clientHeaders) {
        DownstreamRequest.Builder b = DownstreamRequest.get(path).mtlsPeer(GATEWAY);
        clientHeaders.forEach(b::header);
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        DownstreamRequest request = b.build();
        return new Outcome(grpc.handle(request), http.handle(request));
    }

    Outcome get(String token, String path) {
        return get(token, path, Map.of());
    }

    /** What one request came to through the gRPC and the HTTP ext_authz Envoy; the two must agree. */
    record Outcome(EnvoyOutcome grpc, EnvoyOutcome http) {

        boolean forwarded() {
            assertThat(http.forwarded()).as("gRPC and HTTP ext_authz disagree: grpc %s, http %s", grpc, http)
                    .isEqualTo(grpc.forwarded());
            return grpc.forwarded();
        }

        /** The one {@code kubeflow-userid} the upstream receives (in any letter case, combined or repeated). */
        String upstreamUser() {
            return only("kubeflow-userid");
        }

        /** Every {@code kubeflow-groups} value the upstream receives. */
        List<String> upstreamGroups() {
            List<String> g = grpc.upstream().headers().values("kubeflow-groups");
            assertThat(http.upstream().headers().values("kubeflow-groups")).as("over http_service").isEqualTo(g);
            return g;
        }

        private String only(String name) {
            List<String> g = grpc.upstream().headers().values(name);
            List<String> h = http.upstream().headers().values(name);
            assertThat(g).as("%s the upstream receives over gRPC ext_authz", name).hasSize(1);
            assertThat(h).as("%s the upstream receives over http_service", name).isEqualTo(g);
            return g.get(0);
        }

        /** The status the client receives when the sidecar answers instead of forwarding. */
        int status() {
            ClientResponse g = grpc.clientResponse();
            assertThat(http.clientResponse().status()).as("over http_service").isEqualTo(g.status());
            return g.status();
        }

        Optional<String> clientHeader(String name) {
            Optional<String> g = grpc.clientResponse().headers().first(name);
            assertThat(http.clientResponse().headers().first(name)).as("%s over http_service", name).isEqualTo(g);
            return g;
        }

        String reason() {
            return clientHeader("x-greenshank-reason").orElse("");
        }

        @Override
        public String toString() {
            return "grpc: " + grpc + "\nhttp: " + http;
        }
    }

    @Override
    public void close() throws InterruptedException {
        grpcServer.close();
    }
}
