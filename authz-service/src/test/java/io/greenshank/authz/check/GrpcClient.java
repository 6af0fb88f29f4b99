package io.greenshank.authz.check;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real grpc-java client on the generated Envoy stubs, as Envoy would call us. */
final class GrpcClient implements AutoCloseable {

    final ManagedChannel channel;
    final AuthorizationGrpc.AuthorizationBlockingStub stub;

    GrpcClient(URL base) {
        this(base.getHost(), base.getPort());
    }

    GrpcClient(String host, int port) {
        channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
        stub = AuthorizationGrpc.newBlockingStub(channel);
    }

    CheckResponse check(String method, String path, Map<String, String> headers) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(request(method, path, headers, ""));
    }

    static CheckRequest request(String method, String path, Map<String, String> headers, String sourcePrincipal) {
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setPrincipal(sourcePrincipal))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod(method).setHost("kubeflow.example.test").setPath(path).setScheme("https")
                        .putAllHeaders(headers)))).build();
    }

    static Map<String, String> headersOf(io.envoyproxy.envoy.service.auth.v3.OkHttpResponse ok) {
        Map<String, String> m = new java.util.HashMap<>();
        ok.getHeadersList().forEach(h -> m.put(h.getHeader().getKey(), h.getHeader().getValue()));
        return m;
    }

    static Map<String, String> headersOf(io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse denied) {
        Map<String, String> m = new java.util.HashMap<>();
        denied.getHeadersList().forEach(h -> m.put(h.getHeader().getKey(), h.getHeader().getValue()));
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
