package io.greenshank.e2e;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the ingress gateway's Envoy does: a gRPC {@code Check} on the real ext_authz stubs. */
final class ExtAuthz implements AutoCloseable {

    static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";

    private final ManagedChannel channel;
    private final AuthorizationGrpc.AuthorizationBlockingStub stub;

    ExtAuthz(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        stub = AuthorizationGrpc.newBlockingStub(channel);
    }

    /** A GET through the gateway, with {@code Authorization: Bearer <token>} when a token is given. */
    CheckResponse check(String token, String path, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        CheckRequest req = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setPrincipal(GATEWAY))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod("GET").setHost("kubeflow.example.test").setPath(path).setScheme("https")
                        .setProtocol("HTTP/1.1").putAllHeaders(headers)))).build();
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(req);
    }

    CheckResponse check(String token, String path) {
        return check(token, path, Map.of());
    }

    static boolean allowed(CheckResponse r) {
        return r.getStatus().getCode() == 0 && r.hasOkResponse();
    }

    /** Headers the sidecar tells Envoy to set upstream on an allowed request. */
    static Map<String, String> upstreamHeaders(CheckResponse r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.getOkResponse().getHeadersList().forEach(h -> out.put(h.getHeader().getKey(), h.getHeader().getValue()));
        return out;
    }

    static List<String> upstreamRemoved(CheckResponse r) {
        return r.getOkResponse().getHeadersToRemoveList();
    }

    static int deniedStatus(CheckResponse r) {
        return r.getDeniedResponse().getStatus().getCodeValue();
    }

    static Optional<String> deniedHeader(CheckResponse r, String name) {
        return r.getDeniedResponse().getHeadersList().stream().filter(h -> h.getHeader().getKey().equalsIgnoreCase(name))
                .map(h -> h.getHeader().getValue()).findFirst();
    }

    static String reason(CheckResponse r) {
        return deniedHeader(r, "x-greenshank-reason").orElse("");
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
