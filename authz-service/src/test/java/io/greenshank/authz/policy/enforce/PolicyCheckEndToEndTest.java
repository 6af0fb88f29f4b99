package io.greenshank.authz.policy.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.greenshank.authz.envoy.DocumentedEnvoy;
import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ForwardClientCert;
import io.greenshank.envoy.UpstreamRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real gRPC Checks (grpc-java client on the Envoy stubs) judged by the shipped Kubeflow policies, path normalization,
 * and Kubernetes RBAC through the fabric8 mock API server. Allow and deny verdicts are asserted through the Envoy
 * model, as the workload's Istio sidecar would apply them: the request comes over mTLS from the ingress gateway, the
 * sidecar normalizes the path (Istio's BASE) and appends its XFCC element, which http_service passes on.
 */
@QuarkusTest
@TestProfile(PolicyE2eProfile.class)
@WithKubernetesTestServer(crud = false)
class PolicyCheckEndToEndTest {

    private static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    private static final String PROFILE_NS = "kubeflow-user-example-com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKLOAD = "spiffe://cluster.local/ns/" + PROFILE_NS + "/sa/default-editor";
    private static final String ATTACKER = "spiffe://cluster.local/ns/attacker/sa/default";

    @TestHTTPResource("/")
    URL base;

    @KubernetesTestServer
    KubernetesServer kubernetes;

    ManagedChannel channel;
    AuthorizationGrpc.AuthorizationBlockingStub stub;
    final HttpClient http = HttpClient.newHttpClient();

    Map<String, Envoy> envoys;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build();
        stub = AuthorizationGrpc.newBlockingStub(channel);
        envoys = DocumentedEnvoy.both(sidecar(), channel, base, DocumentedEnvoy.httpFilter("x-forwarded-client-cert"));
    }

    /** The workload's inbound sidecar: Istio's path normalization, XFCC appended with the peer's URI. */
    static ConnectionManagerConfig sidecar() {
        return DocumentedEnvoy.istio().toBuilder().forwardClientCert(ForwardClientCert.APPEND_FORWARD)
                .setCurrentClientCertUri(true).localPrincipal(WORKLOAD).build();
    }

    /** A request the ingress gateway forwards over mTLS, bearing {@code user}'s token. */
    DownstreamRequest.Builder fromGateway(String user, String method, String path) throws Exception {
        return DownstreamRequest.method(method, path).mtlsPeer(GATEWAY).from("10.2.0.7:41000")
                .header("authorization", "Bearer " + token(user));
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static String reason(ClientResponse r) {
        return r.headers().first("x-greenshank-reason").orElse("");
    }

    String token(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token?user=" + user + "&groups=ml"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().trim();
    }

    CheckResponse check(String user, String method, String path, Map<String, String> extraHeaders) throws Exception {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        if (user != null) {
            headers.put("authorization", "Bearer " + token(user));
        }
        CheckRequest req = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setPrincipal(GATEWAY))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod(method).setHost("kubeflow.example.test").setPath(path).setScheme("https")
                        .putAllHeaders(headers)))).build();
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(req);
    }

    static String reason(CheckResponse r) {
        return r.getDeniedResponse().getHeadersList().stream().filter(h -> h.getHeader().getKey().equals("x-greenshank-reason"))
                .map(h -> h.getHeader().getValue()).findFirst().orElse("");
    }

    @Test
    void theProfileOwnerAndAContributorReachTheNotebookAndOthersDoNot() throws Exception {
        String nb = "/notebook/" + PROFILE_NS + "/nb1/lab/tree";
        assertThat(check("user@example.com", "GET", nb, Map.of()).getStatus().getCode()).isZero();
        assertThat(check("contributor@example.com", "POST", nb, Map.of()).getStatus().getCode()).isZero();
        CheckResponse stranger = check("mallory@example.com", "GET", nb, Map.of());
        assertThat(stranger.getStatus().getCode()).isNotZero();
        assertThat(stranger.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
        assertThat(reason(stranger)).isEqualTo("policy_no_match");

        DownstreamRequest owner = fromGateway("user@example.com", "GET", nb).build();
        DownstreamRequest contributor = fromGateway("contributor@example.com", "POST", nb).build();
        DownstreamRequest mallory = fromGateway("mallory@example.com", "GET", nb).build();
        envoys.forEach((protocol, envoy) -> {
            assertThat(envoy.handle(owner).upstream().headers().values("kubeflow-userid")).as(protocol)
                    .containsExactly("user@example.com");
            assertThat(envoy.handle(contributor).upstream().headers().values("kubeflow-userid")).as(protocol)
                    .containsExactly("contributor@example.com");
            ClientResponse refused = envoy.handle(mallory).clientResponse();
            assertThat(refused.status()).as(protocol).isEqualTo(403);
            assertThat(reason(refused)).as(protocol).isEqualTo("policy_no_match");
        });
    }

    @Test
    void aSmuggledKubeflowUseridHeaderNeverSatisfiesAPolicy() throws Exception {
        CheckResponse r = check("mallory@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/",
                Map.of("kubeflow-userid", "user@example.com"));
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(403);
        assertThat(reason(r)).isEqualTo("policy_no_match");

        DownstreamRequest smuggled = fromGateway("mallory@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/")
                .header("Kubeflow-Userid", "user@example.com").header("kubeflow-userid", "user@example.com").build();
        envoys.forEach((protocol, envoy) -> {
            ClientResponse refused = envoy.handle(smuggled).clientResponse();
            assertThat(refused.status()).as(protocol).isEqualTo(403);
            assertThat(reason(refused)).as(protocol).isEqualTo("policy_no_match");
        });
    }

    HttpResponse<String> httpCheck(String user, String path, String xfcc) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "ext-authz" + path))
                .header("authorization", "Bearer " + token(user));
        if (xfcc != null) {
            b.header("x-forwarded-client-cert", xfcc);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHttpProtocolTakesTheMeshPeerFromTheLastForwardedClientCertElement() throws Exception {
        String nb = "/notebook/" + PROFILE_NS + "/nb1/lab";
        String viaGateway = "By=spiffe://cluster.local/ns/" + PROFILE_NS + "/sa/default-editor;Hash=9f1c;"
                + "Subject=\"\";URI=" + GATEWAY;
        HttpResponse<String> allowed = httpCheck("user@example.com", nb, viaGateway);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("kubeflow-userid")).contains("user@example.com");

        HttpResponse<String> noPeer = httpCheck("user@example.com", nb, null);
        assertThat(noPeer.statusCode()).isEqualTo(403);
        assertThat(noPeer.headers().firstValue("x-greenshank-reason")).contains("policy_no_match");

        // the gateway's URI in an earlier hop, or hidden in a quoted value, is not the direct peer
        HttpResponse<String> earlierHop = httpCheck("user@example.com", nb,
                "By=x;URI=" + GATEWAY + ",By=y;URI=spiffe://cluster.local/ns/attacker/sa/default");
        assertThat(earlierHop.statusCode()).isEqualTo(403);
        HttpResponse<String> quoted = httpCheck("user@example.com", nb,
                "Subject=\"CN=a\\\",URI=" + GATEWAY + "\";URI=spiffe://cluster.local/ns/attacker/sa/default");
        assertThat(quoted.statusCode()).isEqualTo(403);

        // through the sidecar, the element naming the peer is Envoy's own, appended last
        Envoy viaHttp = envoys.get("http");
        assertThat(viaHttp.handle(fromGateway("user@example.com", "GET", nb).build()).upstream().headers()
                .values("kubeflow-userid")).containsExactly("user@example.com");
        // a plaintext client's forged XFCC is removed before ext_authz sees it
        EnvoyOutcome plaintext = viaHttp.handle(DownstreamRequest.get(nb).header("authorization", "Bearer "
                + token("user@example.com")).header("x-forwarded-client-cert", viaGateway).build());
        assertThat(plaintext.clientResponse().status()).isEqualTo(403);
        assertThat(reason(plaintext.clientResponse())).isEqualTo("policy_no_match");
        // another workload naming the gateway in an earlier hop, or in a quoted value, is still the last element
        for (String forged : new String[] {"By=x;URI=" + GATEWAY,
                "Subject=\"CN=a\\\",URI=" + GATEWAY + "\";URI=" + ATTACKER}) {
            EnvoyOutcome out = viaHttp.handle(DownstreamRequest.get(nb).mtlsPeer(ATTACKER)
                    .header("authorization", "Bearer " + token("user@example.com"))
                    .header("x-forwarded-client-cert", forged).build());
            assertThat(out.clientResponse().status()).as(forged).isEqualTo(403);
        }
    }

    @Test
    void aMalformedForwardedClientCertIsABadRequest() throws Exception {
        HttpResponse<String> r = httpCheck("user@example.com", "/notebook/" + PROFILE_NS + "/nb1/",
                "By=x;URI=\"" + GATEWAY);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-greenshank-reason")).contains("xfcc_malformed");
        assertThat(r.headers().firstValue("kubeflow-userid")).isEmpty();

        // a peer's malformed header is kept and appended to by the sidecar; the sidecar refuses the whole header
        EnvoyOutcome out = envoys.get("http").handle(DownstreamRequest.get("/notebook/" + PROFILE_NS + "/nb1/")
                .mtlsPeer(ATTACKER).header("authorization", "Bearer " + token("user@example.com"))
                .header("x-forwarded-client-cert", "By=x;URI=\"" + GATEWAY).build());
        assertThat(out.clientResponse().status()).isEqualTo(400);
        assertThat(reason(out.clientResponse())).isEqualTo("xfcc_malformed");
        assertThat(out.clientResponse().headers().contains("kubeflow-userid")).isFalse();
    }

    @Test
    void theMeshWideDenyWinsEvenForTheOwnerAndCannotBeDodgedByPathTricks() throws Exception {
        for (String path : new String[] {"/debug/pprof", "/notebook/x/y/../../../debug/pprof",
                "/notebook/x/y/%2e%2e/%2E%2E/../debug/pprof", "/notebook\\..\\debug/pprof"}) {
            CheckResponse r = check("user@example.com", "GET", path, Map.of());
            assertThat(r.getDeniedResponse().getStatus().getCodeValue()).as(path).isEqualTo(403);
            assertThat(reason(r)).as(path).isEqualTo("policy_denied");
            assertThat(r.getDeniedResponse().getBody()).as(path)
                    .contains("\"reason\":\"policy_denied\"").containsPattern("\"policy\":\"[^\"]*deny-debug-endpoints#0\"");

            // the sidecar normalizes first; Envoy without normalize_path hands the sidecar the raw path (gRPC)
            DownstreamRequest request = fromGateway("user@example.com", "GET", path).build();
            Map<String, Envoy> judges = new java.util.LinkedHashMap<>(envoys);
            judges.put("grpc without normalize_path", DocumentedEnvoy.grpc(ConnectionManagerConfig.defaults(), channel));
            judges.forEach((protocol, envoy) -> {
                ClientResponse refused = envoy.handle(request).clientResponse();
                assertThat(refused.status()).as(protocol + " " + path).isEqualTo(403);
                assertThat(reason(refused)).as(protocol + " " + path).isEqualTo("policy_denied");
                assertThat(refused.body()).as(protocol + " " + path)
                        .containsPattern("\"policy\":\"[^\"]*deny-debug-endpoints#0\"");
            });
        }
    }

    @Test
    void theHttpProtocolIsJudgedByTheSamePolicies() throws Exception {
        String token = token("user@example.com");
        HttpResponse<String> traversal = http.send(HttpRequest.newBuilder(
                URI.create(base + "ext-authz/notebook/x/y/../../../debug/pprof"))
                .header("authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(traversal.statusCode()).isEqualTo(403);
        assertThat(traversal.headers().firstValue("x-greenshank-reason")).contains("policy_denied");
        HttpResponse<String> notebook = http.send(HttpRequest.newBuilder(
                URI.create(base + "ext-authz/notebook/" + PROFILE_NS + "/nb1/"))
                .header("authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notebook.statusCode()).as("the owner policy wants the gateway's mesh identity, which HTTP lacks here")
                .isEqualTo(403);
        assertThat(notebook.headers().firstValue("x-greenshank-reason")).contains("policy_no_match");

        Envoy viaHttp = envoys.get("http");
        ClientResponse traversed = viaHttp.handle(fromGateway("user@example.com", "GET",
                "/notebook/x/y/../../../debug/pprof").build()).clientResponse();
        assertThat(traversed.status()).isEqualTo(403);
        assertThat(reason(traversed)).isEqualTo("policy_denied");
        ClientResponse direct = viaHttp.handle(DownstreamRequest.get("/notebook/" + PROFILE_NS + "/nb1/")
                .header("authorization", "Bearer " + token).build()).clientResponse();
        assertThat(direct.status()).as("not through the gateway: no mesh identity").isEqualTo(403);
        assertThat(reason(direct)).isEqualTo("policy_no_match");
    }

    @Test
    void aDryRunDenyIsEvaluatedAndCountedButNotEnforced() throws Exception {
        CheckResponse r = check("user@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/shadow/x", Map.of());
        assertThat(r.getStatus().getCode()).isZero();
        DownstreamRequest shadowed = fromGateway("user@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/shadow/x")
                .build();
        envoys.forEach((protocol, envoy) -> assertThat(envoy.handle(shadowed).forwarded()).as(protocol).isTrue());
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("greenshank_policy_dry_run_matches_total\\{action=\"DENY\"} [1-9]");
    }

    @Test
    void anEncodedNulIsRejectedBeforePolicy() throws Exception {
        CheckResponse r = check("user@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/a%00b", Map.of());
        assertThat(r.getDeniedResponse().getStatus().getCodeValue()).isEqualTo(400);
        assertThat(reason(r)).isEqualTo("path_rejected");

        DownstreamRequest nul = fromGateway("user@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/a%00b").build();
        // Istio's normalization refuses it itself: 400 and the sidecar is never asked
        envoys.forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(nul);
            assertThat(out.clientResponse().status()).as(protocol).isEqualTo(400);
            assertThat(out.authorizationCall()).as(protocol).isEmpty();
        });
        // without normalize_path it reaches the sidecar, which refuses it as a bad request before any policy
        ClientResponse raw = DocumentedEnvoy.grpc(ConnectionManagerConfig.defaults(), channel).handle(nul).clientResponse();
        assertThat(raw.status()).isEqualTo(400);
        assertThat(reason(raw)).isEqualTo("path_rejected");
    }

    @Test
    void aRouteWithAResourceIsJudgedByKubernetesRbac() throws Exception {
        String sar = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
        kubernetes.expect().post().withPath(sar).andReturn(201,
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":true}}")
                .once();
        kubernetes.expect().post().withPath(sar).andReturn(201,
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":false,\"reason\":\"no RoleBinding\"}}")
                .once();
        // one pass through the sidecar over gRPC: the mock answers each review once
        Envoy sidecar = envoys.get("grpc");
        UpstreamRequest allowed = sidecar.handle(fromGateway("owner@team.example", "GET", "/api/namespaces/team/notebooks")
                .build()).upstream();
        assertThat(allowed.headers().values("kubeflow-userid")).containsExactly("owner@team.example");
        JsonNode first = JSON.readTree(kubernetes.getKubernetesMockServer().takeRequest(5, TimeUnit.SECONDS)
                .getBody().readUtf8());
        assertThat(first.at("/spec/user").asText()).isEqualTo("owner@team.example");
        assertThat(first.at("/spec/resourceAttributes")).isEqualTo(JSON.readTree(
                "{\"group\":\"kubeflow.org\",\"namespace\":\"team\",\"resource\":\"notebooks\",\"verb\":\"list\",\"version\":\"v1\"}"));

        ClientResponse denied = sidecar.handle(fromGateway("outsider@team.example", "GET", "/api/namespaces/team/notebooks")
                .build()).clientResponse();
        assertThat(denied.status()).isEqualTo(403);
        assertThat(reason(denied)).isEqualTo("rbac_denied");

        ClientResponse unavailable = sidecar.handle(fromGateway("third@team.example", "GET",
                "/api/namespaces/team/notebooks").build()).clientResponse();
        assertThat(reason(unavailable)).as("no expectation left: the mock answers 404, an API error")
                .isEqualTo("authorization_backend_unavailable");
    }

    @Test
    void explainShowsTheDecisionAndWhyEachPolicyDidNotMatch() throws Exception {
        String body = """
                {"user":"mallory@example.com","issuer":"https://dev","subject":"m",
                 "sourcePrincipal":"cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
                 "method":"GET","host":"kubeflow.example.test","path":"/notebook/kubeflow-user-example-com/nb1/",
                 "headers":{"kubeflow-userid":"mallory@example.com"}}""";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "explain"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.at("/decision/allowed").asBoolean()).isFalse();
        assertThat(e.at("/destination/namespace").asText()).isEqualTo(PROFILE_NS);
        assertThat(e.at("/route").asInt()).isZero();
        assertThat(e.at("/decision/trace")).hasSize(4);
        assertThat(r.body()).contains("kubeflow-user-example-com/ns-owner-access-istio")
                .contains("request.headers[kubeflow-userid] in [user@example.com] not met (request: 'mallory@example.com')");
    }

    @Test
    void healthAndMetricsReportThePolicies() throws Exception {
        check("mallory@example.com", "GET", "/notebook/" + PROFILE_NS + "/nb1/", Map.of());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode h = JSON.readTree(health.body());
        JsonNode policy = null;
        for (JsonNode c : h.get("checks")) {
            if (c.get("name").asText().equals("greenshank-policy")) {
                policy = c;
            }
        }
        assertThat(policy).isNotNull();
        assertThat(policy.get("status").asText()).isEqualTo("UP");
        assertThat(policy.at("/data/authorizationPolicies").asInt()).isEqualTo(4);
        assertThat(policy.at("/data/rejected").asInt()).isZero();
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("greenshank_policy_loaded 4.0")
                .containsPattern("greenshank_policy_decisions_total\\{action=\"none\",outcome=\"deny\"} [1-9]");
    }
}
