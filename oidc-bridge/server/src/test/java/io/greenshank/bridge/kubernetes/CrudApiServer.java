package io.greenshank.bridge.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.greenshank.bridge.session.SecretSessionStore;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stand-in for the Kubernetes API server in these tests: fabric8's mock server in CRUD mode (it stores what it is
 * sent and enforces resourceVersion on update), on a free loopback port, with the clients the test hands out. Closing
 * it closes every client and stops the server.
 */
public final class CrudApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient admin;
    private final List<KubernetesClient> replicaClients = new CopyOnWriteArrayList<>();

    private CrudApiServer(KubernetesMockServer server) {
        this.server = server;
        this.admin = server.createClient();
    }

    public static CrudApiServer start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new CrudApiServer(server);
    }

    /** The server itself: its recorded requests, or {@code destroy()} for an outage. */
    public KubernetesMockServer server() {
        return server;
    }

    /** A client for the test's own reads and writes. */
    public KubernetesClient admin() {
        return admin;
    }

    /** A client as a bridge replica builds one: bounded time, no retries. */
    public KubernetesClient replicaClient(Duration timeout) {
        KubernetesClient c = SecretSessionStore.boundedClient(admin, timeout);
        replicaClients.add(c);
        return c;
    }

    @Override
    public void close() {
        replicaClients.forEach(KubernetesClient::close);
        admin.close();
        server.destroy();
    }
}
