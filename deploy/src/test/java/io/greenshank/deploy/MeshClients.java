package io.greenshank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.GrpcChannelAuthorizationServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How README's story reaches a {@link RenderedInstall} in a cluster: logins straight at the bridge over HTTPS, every
 * other request through the ingress gateway (the Envoy model with the ext_authz provider the overlay's CUSTOM policy
 * names, {@link IngressExtAuthz}, its service and port resolved through the rendered Service by
 * {@link ClusterNetwork}), and KFAM calls to a rendered Service address as profile-controller's sidecar delivers them.
 */
final class MeshClients implements AutoCloseable {

    static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The gateway's ext_authz timeout here: the provider's 3 s would turn a JVM slowed by a shared 2-core machine
     *  into a 403, which is not what the story checks (authz-service's own 2 s decision bound still applies). */
    static final Duration SHARED_MACHINE_TIMEOUT = Duration.ofSeconds(10);

    final RenderedInstall install;
    final ClusterNetwork network;
    final IngressExtAuthz provider;
    final HttpClient http;
    final GrpcChannelAuthorizationServer authzChannel;
    final Envoy gateway;
    /** The KFAM API's in-cluster base URL, e.g. {@code http://profiles-kfam.kubeflow:8081}. */
    final URI kfamService;

    /** KFAM at profile-controller's own Service ({@code greenshank-profile-controller.<namespace>:8083}). */
    MeshClients(RenderedInstall install) {
        this(install, URI.create("http://greenshank-profile-controller."
                + install.deploymentOf(RenderedInstall.CONTROLLER).getMetadata().getNamespace() + ":8083"));
    }

    MeshClients(RenderedInstall install, URI kfamService) {
        this.install = install;
        this.network = new ClusterNetwork(install);
        this.provider = IngressExtAuthz.of(install.rendered);
        this.kfamService = kfamService;
        this.http = install.http();
        this.authzChannel = GrpcChannelAuthorizationServer.connect("127.0.0.1",
                network.resolve(provider.service(), provider.port()));
        // Clients reach the gateway without a mesh certificate.
        this.gateway = Envoy.grpc(EnvoyConfig.of(ConnectionManagerConfig.istioDefaults(),
                ExtAuthzConfig.grpc().failureModeAllow(provider.failOpen())
                        .timeout(provider.timeout().compareTo(SHARED_MACHINE_TIMEOUT) > 0 ? provider.timeout()
                                : SHARED_MACHINE_TIMEOUT).build()), authzChannel);
    }

    HttpResponse<String> passwordGrant(String user, String password) throws Exception {
        String form = "grant_type=password&client_id=kubectl&scope=openid&username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(install.wiring.bridgeUrl("/token"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String accessToken(String user, String password) throws Exception {
        HttpResponse<String> r = passwordGrant(user, password);
        if (r.statusCode() != 200) {
            throw new AssertionError("password grant for " + user + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A request at the ingress gateway, from outside the mesh. */
    EnvoyOutcome atTheGateway(String method, String path, String token, Map<String, String> headers) {
        DownstreamRequest.Builder b = DownstreamRequest.method(method, path).authority("greenshank.example.test");
        headers.forEach(b::header);
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return gateway.handle(b.build());
    }

    /**
     * A KFAM call as profile-controller's sidecar delivers it: the identity headers and any {@code authorization} the
     * gateway forwarded (none when {@code viaGateway} is null), and, when {@code peer} is given, the sidecar's XFCC
     * element naming the peer of the mTLS connection (Istio's inbound APPEND_FORWARD with the current client's URI: docs/profile-controller.md,
     * Caller authentication).
     */
    HttpResponse<String> kfam(String method, String path, EnvoyOutcome viaGateway, String peer, String body)
            throws Exception {
        return kfam(method, path, forwarded(viaGateway, List.of("authorization", "kubeflow-userid", "kubeflow-groups")),
                peer, body);
    }

    /** As above, with exactly {@code headers} from the caller (besides the sidecar's XFCC). */
    HttpResponse<String> kfam(String method, String path, Map<String, String> headers, String peer, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(network.resolve(kfamService.resolve(path)))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (peer != null) {
            b.header("x-forwarded-client-cert", "By=spiffe://cluster.local/ns/"
                    + install.deploymentOf(RenderedInstall.CONTROLLER).getMetadata().getNamespace()
                    + "/sa/greenshank-profile-controller;URI=" + peer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The named headers of the request the gateway forwarded upstream (none when it is null). */
    static Map<String, String> forwarded(EnvoyOutcome viaGateway, List<String> names) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (viaGateway != null) {
            for (String h : names) {
                viaGateway.upstream().headers().first(h).ifPresent(v -> headers.put(h, v));
            }
        }
        return headers;
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Override
    public void close() throws InterruptedException {
        authzChannel.close();
    }
}
