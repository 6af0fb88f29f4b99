package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC authorization server reached over a real channel (plaintext HTTP/2, as Envoy's {@code envoy_grpc} cluster
 * to a sidecar on localhost), each Check bounded by the filter's timeout.
 */
public final class GrpcChannelAuthorizationServer implements GrpcAuthorizationServer, AutoCloseable {

    private final Channel channel;
    private final ManagedChannel owned;

    private GrpcChannelAuthorizationServer(Channel channel, ManagedChannel owned) {
        this.channel = channel;
        this.owned = owned;
    }

    /** Opens a plaintext channel to {@code host:port}; {@link #close()} shuts it down. */
    public static GrpcChannelAuthorizationServer connect(String host, int port) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
        return new GrpcChannelAuthorizationServer(ch, ch);
    }

    /** Uses a channel the caller owns and closes. */
    public static GrpcChannelAuthorizationServer over(Channel channel) {
        return new GrpcChannelAuthorizationServer(channel, null);
    }

    @Override
    public CheckResponse check(CheckRequest request, Duration timeout) {
        return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .check(request);
    }

    @Override
    public void close() throws InterruptedException {
        if (owned != null) {
            owned.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
