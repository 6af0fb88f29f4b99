package io.greenshank.profiles.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * An in-process Kubernetes API stand-in (fabric8's mock server in CRUD mode) with the Profile CRD and schema-less
 * Istio CRDs installed. It keeps objects in memory, serves watches, status subresources and finalizers, and has no
 * garbage collector, admission or authorization. For dev mode, tests and benchmarks only.
 */
public final class EmbeddedApiServer implements AutoCloseable {

    public static final String PROFILE_CRD = "/kubernetes/profiles.kubeflow.org.yaml";
    public static final String ISTIO_CRDS = "/embedded/istio-crds.yaml";

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private EmbeddedApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** Starts on a free loopback port, plain HTTP, with the CRDs installed. */
    public static EmbeddedApiServer start() {
        return start(0);
    }

    public static EmbeddedApiServer start(int port) {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts on {@code address} (loopback unless the operator opened the dev run: it has no authentication or
     * authorization at all) and {@code port} (0: a free one).
     */
    public static EmbeddedApiServer start(InetAddress address, int port) {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                new DiscoveryDispatcher(new KubernetesMixedDispatcher(expectations)), false);
        server.init(address, port);
        EmbeddedApiServer embedded = new EmbeddedApiServer(server);
        embedded.installCrds();
        return embedded;
    }

    private void installCrds() {
        for (String resource : List.of(PROFILE_CRD, ISTIO_CRDS)) {
            for (HasMetadata crd : load(resource)) {
                client.resource(crd).create();
            }
        }
    }

    private List<HasMetadata> load(String resource) {
        try (InputStream in = EmbeddedApiServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return client.load(in).items();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return server.url("/").replaceAll("/$", "");
    }

    /** A client of the embedded server; a new one each call, owned by the caller. */
    public KubernetesClient newClient() {
        return server.createClient();
    }

    /** The underlying mock server, for expectations (e.g. SubjectAccessReview answers) and request counts. */
    public KubernetesMockServer mockServer() {
        return server;
    }

    public int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
