package io.greenshank.bridge.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The stand-in for the Kubernetes API server in these tests: fabric8's mock server in CRUD mode (it stores what it is
 * sent and enforces resourceVersion on update), on a free loopback port.
 */
public final class CrudApiServer {

    private CrudApiServer() {
    }

    /** A started server; {@code destroy()} it after the test. */
    public static KubernetesMockServer start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }
}
