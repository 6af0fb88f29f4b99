package io.greenshank.authz.check;

import io.greenshank.authz.config.AuthzConfig;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * ext_authz gRPC on a port of its own ({@code greenshank.authz.grpc.port}, 9191 by default), served by grpc-java's
 * Netty transport with Check run on the transport's own event loop. Envoy waits for every Check, and the same service
 * behind the HTTP port (Vert.x HTTP/2 and the Quarkus gRPC layer) costs about 85 µs more per call; here a cached-token
 * Check runs where its bytes were read, and only a Check that must wait (a first-seen token, a policy that asks the
 * API server) leaves the event loop, for the decision workers.
 */
@ApplicationScoped
public class DirectGrpcServer {

    private static final Logger LOG = Logger.getLogger(DirectGrpcServer.class);

    private volatile Server server;

    void start(@Observes StartupEvent ev, AuthzConfig config, CheckDispatcher dispatcher) {
        AuthzConfig.Grpc grpc = config.grpc();
        if (grpc.port() < 0) {
            LOG.info("dedicated ext_authz gRPC port off (greenshank.authz.grpc.port=-1); Check is served on the HTTP port");
            return;
        }
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(grpc.host(), grpc.port()))
                    .directExecutor()
                    .maxInboundMessageSize(grpc.maxInboundMessageSize())
                    .addService(new GrpcCheckService(dispatcher))
                    .build()
                    .start();
        } catch (IOException e) {
            // A sidecar that cannot take Envoy's calls must not look healthy: fail start-up with the reason.
            throw new UncheckedIOException("cannot listen for ext_authz gRPC on " + grpc.host() + ":" + grpc.port()
                    + " (greenshank.authz.grpc.port; -1 turns it off)", e);
        }
        LOG.infof("ext_authz gRPC listening on %s:%d", grpc.host(), server.getPort());
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        Server s = server;
        if (s != null) {
            s.shutdown();
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                s.shutdownNow();
            }
        }
    }

    /** The bound port, once started. */
    public OptionalInt port() {
        Server s = server;
        return s == null ? OptionalInt.empty() : OptionalInt.of(s.getPort());
    }
}
