package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.greenshank.kubectl.testing.PluginInstall;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Greenshank as one product: alice logs in at the bridge (LDAP password, then Kerberos), creates her profile through
 * the sharing API, the controller writes her namespace, RoleBinding and AuthorizationPolicy into the API server, and
 * authz-service — which learns policies only from that API server — lets her (and only her, then bob while she
 * shares with him) through to her notebook. Every request goes through the Envoy model of her notebook's sidecar
 * ({@link Sidecar}), over gRPC and HTTP ext_authz alike: the suite asserts what the notebook would receive (exactly one
 * {@code kubeflow-userid}, the verified one) or what the client would be answered.
 *
 * <p>The methods are the steps of one story, in order; each asserts the state the previous ones built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GreenshankEndToEndTest {

    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final String NOTEBOOK = "/notebook/alice/nb1/lab/tree";
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    Greenshank g;
    HttpClient http;
    Sidecar sidecar;
    String aliceToken;
    String bobToken;

    @BeforeAll
    void startTheProduct() throws Exception {
        long t0 = System.nanoTime();
        g = Greenshank.start(Path.of("target/e2e").toAbsolutePath());
        http = g.wiring.http();
        sidecar = new Sidecar(g.wiring.authzGrpcPort(), g.wiring.authzPort());
        System.out.printf("e2e: product up in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, g.services());
    }

    @AfterAll
    void stopTheProduct() throws Exception {
        if (sidecar != null) {
            sidecar.close();
        }
        if (g != null) {
            g.close();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    HttpResponse<String> passwordGrant(String user, String password) throws Exception {
        String form = "grant_type=password&client_id=" + Greenshank.KUBECTL_CLIENT + "&scope=openid&username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(g.wiring.bridgeUrl("/token")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String accessToken(String user, String password) throws Exception {
        HttpResponse<String> r = passwordGrant(user, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    HttpResponse<String> kfam(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.wiring.controllerUrl(path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String binding(String user, String role) {
        return """
                {"user":{"kind":"User","name":"%s"},"referredNamespace":"alice",
                 "RoleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"}}"""
                .formatted(user, role);
    }

    GenericKubernetesResource authorizationPolicy(String name) {
        return ProfileAssertions.authorizationPolicy(g.wiring.kube(), "alice", name);
    }

    /** What the sidecar does once authz-service's policy informer has caught up with the API server (bounded). */
    Sidecar.Outcome getUntil(String token, boolean forwarded) {
        AtomicReference<Sidecar.Outcome> last = new AtomicReference<>();
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(sidecar.get(token, NOTEBOOK));
            return last.get().grpc().forwarded() == forwarded && last.get().http().forwarded() == forwarded;
        });
        return last.get();
    }

    // ---- the story ------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aliceLogsInAtTheBridgeWithHerLdapPasswordOverHttps() throws Exception {
        assertThat(passwordGrant("alice", "wrong-password").statusCode()).isEqualTo(400);
        aliceToken = accessToken("alice", ScenarioDirectory.ALICE_PASSWORD);
        bobToken = accessToken("bob", ScenarioDirectory.BOB_PASSWORD);

        JWTClaimsSet claims = SignedJWT.parse(aliceToken).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(g.wiring.issuer());
        assertThat(claims.getAudience()).contains(Greenshank.AUDIENCE);
        assertThat(claims.getStringClaim("email")).isEqualTo(ALICE);
        assertThat(claims.getStringListClaim("groups")).containsExactlyInAnyOrder("ml-engineers", "data-science");
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(SignedJWT.parse(bobToken).getJWTClaimsSet().getStringClaim("email")).isEqualTo(BOB);
    }

    @Test
    @Order(2)
    void beforeAliceHasAProfileTheSharingApiKnowsNothingOfHerNamespace() throws Exception {
        assertThat(g.wiring.kube().namespaces().withName("alice").get()).isNull();
        HttpResponse<String> r = kfam("POST", "/kfam/v1/bindings", aliceToken, binding(BOB, "kubeflow-edit"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void aliceCreatesHerProfileAndTheControllerReconcilesNamespaceRoleBindingAndPolicy() throws Exception {
        String profile = """
                {"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"alice"},
                 "spec":{"owner":{"kind":"User","name":"%s"}}}""".formatted(ALICE);
        assertThat(kfam("POST", "/kfam/v1/profiles", null, profile).statusCode()).isEqualTo(401);
        HttpResponse<String> created = kfam("POST", "/kfam/v1/profiles", aliceToken, profile);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        ProfileAssertions.reconciled(g.wiring.kube(), "alice", ALICE, CONVERGE);
    }

    @Test
    @Order(4)
    void aliceReachesHerNotebookWithTheUserHeaderInjectedAndSpoofedCopiesRemoved() {
        Sidecar.Outcome r = getUntil(aliceToken, true);
        assertThat(r.upstreamUser()).isEqualTo(ALICE);

        // the client's copies, in any spelling, never reach the notebook; only the verified identity does
        Sidecar.Outcome spoofed = sidecar.get(aliceToken, NOTEBOOK,
                Map.of("kubeflow-userid", BOB, "Kubeflow-Groups", "platform-admins", "KUBEFLOW-USERID", BOB));
        assertThat(spoofed.forwarded()).as("%s", spoofed).isTrue();
        assertThat(spoofed.upstreamUser()).isEqualTo(ALICE);
        assertThat(spoofed.upstreamGroups()).noneMatch(v -> v.contains("platform-admins"));
    }

    @Test
    @Order(5)
    void bobIsDeniedWithAReasonAndCannotShareAliceProfileWithHimself() throws Exception {
        Sidecar.Outcome r = sidecar.get(bobToken, NOTEBOOK);
        assertThat(r.forwarded()).isFalse();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.reason()).isEqualTo("policy_no_match");

        Sidecar.Outcome spoofing = sidecar.get(bobToken, NOTEBOOK, Map.of("kubeflow-userid", ALICE));
        assertThat(spoofing.status()).isEqualTo(403);
        assertThat(spoofing.reason()).isEqualTo("policy_no_match");

        HttpResponse<String> selfShare = kfam("POST", "/kfam/v1/bindings", bobToken, binding(BOB, "kubeflow-edit"));
        assertThat(selfShare.statusCode()).as(selfShare.body()).isEqualTo(403);
        assertThat(JSON.readTree(selfShare.body()).get("error").asText())
                .startsWith(BOB + " may not manage contributors of profile alice");
    }

    @Test
    @Order(6)
    void aliceAddsBobAsContributorAndBobGetsIn() throws Exception {
        HttpResponse<String> r = kfam("POST", "/kfam/v1/bindings", aliceToken, binding(BOB, "kubeflow-edit"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        List<RoleBinding> bobs = g.wiring.kube().rbac().roleBindings().inNamespace("alice").list().getItems().stream()
                .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getName().equals(BOB))).toList();
        assertThat(bobs).singleElement().satisfies(b -> {
            assertThat(b.getRoleRef().getName()).isEqualTo("kubeflow-edit");
            assertThat(b.getMetadata().getAnnotations()).containsEntry("user", BOB).containsEntry("role", "edit");
            assertThat(b.getMetadata().getName()).startsWith("user-bob-example-test-clusterrole-edit-");
        });
        String name = bobs.get(0).getMetadata().getName();
        JsonNode spec = JSON.valueToTree(authorizationPolicy(name).getAdditionalProperties().get("spec"));
        assertThat(spec.at("/rules/0/when/0/values").toString()).isEqualTo("[\"" + BOB + "\"]");

        HttpResponse<String> listed = kfam("GET", "/kfam/v1/bindings?namespace=alice", aliceToken, null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"name\":\"" + BOB + "\"").contains("\"RoleRef\":{\"kind\":\"ClusterRole\",\"name\":\"edit\"}");

        Sidecar.Outcome bob = getUntil(bobToken, true);
        assertThat(bob.upstreamUser()).isEqualTo(BOB);
        assertThat(sidecar.get(aliceToken, NOTEBOOK).upstreamUser()).isEqualTo(ALICE);
    }

    @Test
    @Order(7)
    void aliceRemovesBobAndBobIsDeniedAgain() throws Exception {
        HttpResponse<String> r = kfam("DELETE", "/kfam/v1/bindings", aliceToken, binding(BOB, "kubeflow-edit"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(g.wiring.kube().rbac().roleBindings().inNamespace("alice").list().getItems())
                .noneMatch(b -> b.getSubjects().stream().anyMatch(s -> s.getName().equals(BOB)));
        assertThat(g.wiring.kube().genericKubernetesResources("security.istio.io/v1beta1", "AuthorizationPolicy")
                .inNamespace("alice").list().getItems()).extracting(p -> p.getMetadata().getName())
                .containsExactly("ns-owner-access-istio");

        Sidecar.Outcome bob = getUntil(bobToken, false);
        assertThat(bob.status()).isEqualTo(403);
        assertThat(bob.reason()).isEqualTo("policy_no_match");
        assertThat(sidecar.get(aliceToken, NOTEBOOK).upstreamUser()).isEqualTo(ALICE);
    }

    @Test
    @Order(8)
    void forgedAndMissingTokensAreUnauthenticatedEverywhere() throws Exception {
        JsonNode discovery = JSON.readTree(http.send(HttpRequest.newBuilder(
                g.wiring.bridgeUrl("/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString()).body());
        JWKSet published = JWKSet.parse(http.send(HttpRequest.newBuilder(URI.create(discovery.get("jwks_uri").asText()))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String realKid = SignedJWT.parse(aliceToken).getHeader().getKeyID();
        assertThat(published.getKeyByKeyId(realKid)).isNotNull();
        // Same issuer, audience, kid and claims as alice's real token, signed by a key the bridge never had.
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(realKid).generate();
        JWTClaimsSet real = SignedJWT.parse(aliceToken).getJWTClaimsSet();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(realKid).build(),
                new JWTClaimsSet.Builder(real).expirationTime(new Date(System.currentTimeMillis() + 300_000)).build());
        forged.sign(new RSASSASigner(attacker));
        String forgedToken = forged.serialize();

        Sidecar.Outcome f = sidecar.get(forgedToken, NOTEBOOK);
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.reason()).isEqualTo("signature_invalid");
        assertThat(f.clientHeader("www-authenticate")).get().asString().startsWith("Bearer").contains("invalid_token");

        Sidecar.Outcome none = sidecar.get(null, NOTEBOOK, Map.of("kubeflow-userid", ALICE));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.reason()).isEqualTo("no_credentials");

        assertThat(kfam("GET", "/kfam/v1/bindings?namespace=alice", forgedToken, null).statusCode()).isEqualTo(401);
        assertThat(kfam("GET", "/kfam/v1/bindings?namespace=alice", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(9)
    void kerberosAliceGetsATokenThroughTheKubectlPluginAndTheSidecarLetsHerIn() throws Exception {
        Path ccache = g.kdc.kinit("alice", ScenarioDirectory.ALICE_PASSWORD + "-krb");
        PluginInstall plugin = PluginInstall.into(g.wiring.work().resolve("plugin-bin"));
        Map<String, String> env = new HashMap<>(g.kdc.env(ccache));
        env.put("GREENSHANK_CACHE_DIR", g.wiring.work().resolve("plugin-cache").toString());
        env.put("KUBERNETES_EXEC_INFO", "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                + "\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}");
        PluginInstall.Result run = plugin.run(List.of("get-token", "--issuer", g.wiring.issuer(),
                "--certificate-authority", g.wiring.tls().caPem().toString()), env);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode credential = JSON.readTree(run.stdout());
        assertThat(credential.get("apiVersion").asText()).isEqualTo("client.authentication.k8s.io/v1");
        String token = credential.at("/status/token").asText();
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(g.wiring.issuer());
        assertThat(claims.getStringListClaim("amr")).containsExactly("kerberos");
        assertThat(claims.getStringClaim("email")).isEqualTo(ALICE);

        Sidecar.Outcome r = sidecar.get(token, NOTEBOOK);
        assertThat(r.forwarded()).as("%s", r).isTrue();
        assertThat(r.upstreamUser()).isEqualTo(ALICE);
    }

    @Test
    @Order(10)
    void withTheDirectoryDownLoginsFailClosedWhileIssuedTokensKeepWorking() throws Exception {
        g.wiring.slapd().close();
        HttpResponse<String> r = passwordGrant("alice", ScenarioDirectory.ALICE_PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(r.body()).doesNotContain("access_token");
        // The sidecar and the sharing API need only the bridge's keys, never the directory.
        Sidecar.Outcome alice = sidecar.get(aliceToken, NOTEBOOK);
        assertThat(alice.forwarded()).as("%s", alice).isTrue();
        assertThat(alice.upstreamUser()).isEqualTo(ALICE);
        assertThat(kfam("GET", "/kfam/v1/bindings?namespace=alice", aliceToken, null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(11)
    void theServicesCountedWhatHappened() throws Exception {
        String authz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.wiring.authzPort() + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(authz)
                .containsPattern("greenshank_authz_decisions_total\\{outcome=\"[a-z_]+\",reason=\"policy_no_match\"} [1-9]")
                .containsPattern("greenshank_authz_decisions_total\\{outcome=\"[a-z_]+\",reason=\"signature_invalid\"} [1-9]")
                .containsPattern("greenshank_authz_decisions_total\\{outcome=\"[a-z_]+\",reason=\"no_credentials\"} [1-9]");
        String controller = http.send(HttpRequest.newBuilder(g.wiring.controllerUrl("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(controller).containsPattern("greenshank_profiles_reconciles_total\\{outcome=\"ready\"} [1-9]");
    }

    @Test
    @Order(12)
    void noServiceLoggedAPasswordOrAToken() throws Exception {
        for (ServiceProcess s : g.services()) {
            String log = s.logText();
            assertThat(log).as(s + " log").isNotEmpty()
                    .doesNotContain(ScenarioDirectory.ALICE_PASSWORD).doesNotContain(ScenarioDirectory.BOB_PASSWORD)
                    .doesNotContain(aliceToken.substring(aliceToken.lastIndexOf('.') + 1))
                    .doesNotContain(bobToken.substring(bobToken.lastIndexOf('.') + 1));
        }
    }
}
