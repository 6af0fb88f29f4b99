package io.greenshank.bridge.tokenreview;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook as kube-apiserver uses it: the model reads the webhook config shipped under deploy/ (pointed at this
 * test's port and certificates), posts exactly the API server's TokenReviews over HTTPS with its client certificate,
 * and interprets the answers with the API server's rules; the raw answers are checked field by field too.
 */
@QuarkusTest
@TestProfile(TokenReviewProfile.class)
class TokenReviewWebhookTest {

    static final List<String> API_AUDIENCES = List.of("https://kubernetes.default.svc.cluster.local");
    static final Path SHIPPED = Path.of("../../deploy/overlays/kubeflow/apiserver/token-review-webhook.yaml");

    @Inject
    KeyManager keys;

    @Inject
    TokenReviewServer server;

    final List<String> logs = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logs) {
                logs.add(r.getMessage() + " " + (r.getParameters() == null ? "" : List.of(r.getParameters())));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    /** The shipped file with its server URL and file paths pointed at this test; everything else as shipped. */
    static Path webhookConfig(String name, Path clientCert, Path clientKey) throws Exception {
        ObjectNode config = (ObjectNode) KubeApiServerWebhookModel.YAML.readTree(SHIPPED.toFile());
        ObjectNode cluster = (ObjectNode) config.path("clusters").get(0).path("cluster");
        URI shipped = URI.create(cluster.path("server").asText());
        cluster.put("server", "https://localhost:" + TokenReviewProfile.PORT + shipped.getPath());
        cluster.put("certificate-authority", TokenReviewProfile.PKI.ca().getFileName().toString());
        ObjectNode user = (ObjectNode) config.path("users").get(0).path("user");
        user.put("client-certificate", clientCert.getFileName().toString());
        user.put("client-key", clientKey.getFileName().toString());
        Path file = TokenReviewProfile.PKI.dir().resolve(name);
        KubeApiServerWebhookModel.YAML.writeValue(file.toFile(), config);
        return file;
    }

    static KubeApiServerWebhookModel apiServer(String version) throws Exception {
        return new KubeApiServerWebhookModel(webhookConfig("webhook-" + version + ".yaml",
                TokenReviewProfile.PKI.apiServerCert(), TokenReviewProfile.PKI.apiServerKey()), version, API_AUDIENCES);
    }

    static JsonNode login(String user, String password) throws Exception {
        String body = given().formParam("grant_type", "password").formParam("client_id", "kubectl")
                .formParam("username", user).formParam("password", password).formParam("scope", "openid groups")
                .post("/token").then().statusCode(200).extract().asString();
        return KubeApiServerWebhookModel.JSON.readTree(body);
    }

    @Test
    void theShippedConfigNamesTheWebhookPathOverHttpsWithAClientCertificate() throws Exception {
        JsonNode shipped = KubeApiServerWebhookModel.YAML.readTree(SHIPPED.toFile());
        assertThat(shipped.path("kind").asText()).isEqualTo("Config");
        assertThat(URI.create(shipped.path("clusters").get(0).path("cluster").path("server").asText()).getPath())
                .isEqualTo("/tokenreview");
        assertThat(server.port()).isEqualTo(TokenReviewProfile.PORT);
        assertThat(apiServer("v1").server().getPath()).isEqualTo("/tokenreview");
    }

    @Test
    void anIdTokenAuthenticatesAsTheOidcPathWouldNameTheUser() throws Exception {
        JsonNode tokens = login("alice", "alice-password");
        String idToken = tokens.path("id_token").asText();
        JWTClaimsSet claims = SignedJWT.parse(idToken).getJWTClaimsSet();

        KubeApiServerWebhookModel.Outcome o = apiServer("v1").authenticateToken(idToken, API_AUDIENCES);

        assertThat(o.authenticated()).isTrue();
        assertThat(o.error()).isEmpty();
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.protocol()).as("the port offers h2 in ALPN, which the API server's client prefers")
                .contains(HttpClient.Version.HTTP_2);
        KubeApiServerWebhookModel.UserInfo u = o.user().orElseThrow();
        assertThat(u.name()).as("email, no prefix, as --oidc-username-claim=email --oidc-username-prefix=-")
                .isEqualTo("alice@example.com");
        assertThat(u.uid()).isEqualTo(claims.getSubject()).isNotEqualTo("alice");
        assertThat(u.groups()).as("the directory's groups, nested included, no prefix")
                .containsExactlyInAnyOrderElementsOf(claims.getStringListClaim("groups"))
                .contains("ml-engineers", "platform-users");
        assertThat(u.extra()).containsExactly(Map.entry(TokenReviewer.CREDENTIAL_ID, List.of("JTI=" + claims.getJWTID())));
        assertThat(o.audiences()).as("no status.audiences: the API server's own").isEqualTo(API_AUDIENCES);

        // The raw answer, field by field.
        JsonNode answer = rawAnswer("v1", idToken, API_AUDIENCES);
        assertThat(fieldNames(answer)).containsExactly("apiVersion", "kind", "status");
        assertThat(answer.path("apiVersion").asText()).isEqualTo("authentication.k8s.io/v1");
        assertThat(answer.path("kind").asText()).isEqualTo("TokenReview");
        JsonNode status = answer.path("status");
        assertThat(fieldNames(status)).containsExactly("authenticated", "user");
        assertThat(status.path("authenticated").asBoolean()).isTrue();
        assertThat(fieldNames(status.path("user"))).containsExactly("username", "uid", "groups", "extra");
        assertThat(status.path("user").path("username").asText()).isEqualTo("alice@example.com");
    }

    @Test
    void anApiServerWithHttp2DisabledIsAnsweredOverHttp11() throws Exception {
        String idToken = login("alice", "alice-password").path("id_token").asText();
        KubeApiServerWebhookModel http1 = KubeApiServerWebhookModel.http1Only(webhookConfig("webhook-http1.yaml",
                TokenReviewProfile.PKI.apiServerCert(), TokenReviewProfile.PKI.apiServerKey()), "v1", API_AUDIENCES);

        KubeApiServerWebhookModel.Outcome o = http1.authenticateToken(idToken, API_AUDIENCES);

        assertThat(o.protocol()).contains(HttpClient.Version.HTTP_1_1);
        assertThat(o.authenticated()).isTrue();
        assertThat(o.user().orElseThrow().name()).isEqualTo("alice@example.com");
        KubeApiServerWebhookModel.HttpResult bad = http1.post("{\"kind\":");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.review().path("status").path("error").asText()).isEqualTo(Refusal.MALFORMED_REQUEST.error());
    }

    @Test
    void anAccessTokenForARequestedAudienceAnswersThatAudience() throws Exception {
        String accessToken = login("bob", "bob-password").path("access_token").asText();
        KubeApiServerWebhookModel.Outcome o = apiServer("v1").authenticateToken(accessToken, List.of("kubeflow", "vault"));
        assertThat(o.authenticated()).isTrue();
        assertThat(o.audiences()).containsExactly("kubeflow");
        assertThat(o.user().orElseThrow().name()).isEqualTo("bob@example.com");
        assertThat(o.user().orElseThrow().groups()).containsExactly("platform-users");
        JsonNode status = rawAnswer("v1", accessToken, List.of("kubeflow", "vault")).path("status");
        assertThat(KubeApiServerWebhookModel.strings(status.path("audiences"))).containsExactly("kubeflow");
    }

    @Test
    void aClusterTokenReviewedForAnotherAudienceIsRefusedByTheApiServer() throws Exception {
        String idToken = login("alice", "alice-password").path("id_token").asText();
        // A TokenReview created through the API for "vault": the bridge vouches only for the API server (no
        // status.audiences); the API server intersects "vault" with its own audiences, finds none, refuses.
        JsonNode status = rawAnswer("v1", idToken, List.of("vault")).path("status");
        assertThat(status.path("authenticated").asBoolean()).isTrue();
        assertThat(status.has("audiences")).isFalse();
        KubeApiServerWebhookModel.Outcome o = apiServer("v1").authenticateToken(idToken, List.of("vault"));
        assertThat(o.authenticated()).isFalse();
        assertThat(o.error()).isEmpty();
        assertThat(o.user()).isEmpty();
    }

    @Test
    void withoutAudiencesTheApiServerChecksNone() throws Exception {
        String idToken = login("alice", "alice-password").path("id_token").asText();
        KubeApiServerWebhookModel.Outcome o = apiServer("v1").authenticateToken(idToken, List.of());
        assertThat(o.authenticated()).isTrue();
        assertThat(o.audiences()).isEmpty();
        assertThat(o.user().orElseThrow().name()).isEqualTo("alice@example.com");
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedWithAReason() throws Exception {
        String token = sign(keys.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT,
                claims(Instant.now()).audience("grafana").build());
        KubeApiServerWebhookModel.Outcome o = apiServer("v1").authenticateToken(token, API_AUDIENCES);
        assertThat(o.authenticated()).isFalse();
        assertThat(o.error()).contains(Refusal.AUDIENCE_MISMATCH.error());
    }

    @Test
    void v1beta1IsAnsweredInV1beta1WithTheSameFields() throws Exception {
        JsonNode tokens = login("alice", "alice-password");
        String accessToken = tokens.path("access_token").asText();
        KubeApiServerWebhookModel.Outcome o = apiServer("v1beta1").authenticateToken(accessToken, List.of("kubeflow"));
        assertThat(o.authenticated()).isTrue();
        assertThat(o.audiences()).containsExactly("kubeflow");
        assertThat(o.user().orElseThrow().name()).isEqualTo("alice@example.com");
        assertThat(o.user().orElseThrow().uid()).isEqualTo(SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject());
        assertThat(rawAnswer("v1beta1", accessToken, List.of()).path("apiVersion").asText())
                .isEqualTo("authentication.k8s.io/v1beta1");
        KubeApiServerWebhookModel.Outcome expired = apiServer("v1beta1").authenticateToken(
                expiredToken(), API_AUDIENCES);
        assertThat(expired.authenticated()).isFalse();
        assertThat(expired.error()).contains(Refusal.EXPIRED.error());
    }

    @Test
    void everyBadTokenIsA200WithAnErrorNeverA500() throws Exception {
        KubeApiServerWebhookModel api = apiServer("v1");
        KeyManager foreign = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(1),
                Duration.ofHours(1), Duration.ofHours(1), KeyManager.generator("RS256"));
        foreign.refresh();
        Instant now = Instant.now();
        Map<String, Refusal> cases = new java.util.LinkedHashMap<>();
        cases.put(expiredToken(), Refusal.EXPIRED);
        cases.put("not-a-jwt", Refusal.MALFORMED_TOKEN);
        cases.put(sign(foreign.signer().signer(), foreign.signer().kid(), JOSEObjectType.JWT, claims(now).build()),
                Refusal.UNKNOWN_KEY);
        cases.put(sign(foreign.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT, claims(now).build()),
                Refusal.BAD_SIGNATURE);
        cases.put(sign(keys.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT,
                claims(now).issuer("https://dex.example.com").build()), Refusal.FOREIGN_ISSUER);
        cases.put(sign(keys.signer().signer(), keys.signer().kid(), new JOSEObjectType("greenshank-authz-request+jwt"),
                claims(now).build()), Refusal.WRONG_TYPE);
        cases.put(sign(keys.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT,
                claims(now).claim("email_verified", false).build()), Refusal.NO_USERNAME);
        cases.put(sign(keys.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT,
                claims(now).issueTime(Date.from(now.plusSeconds(600))).build()), Refusal.NOT_YET_VALID);
        for (Map.Entry<String, Refusal> c : cases.entrySet()) {
            KubeApiServerWebhookModel.Outcome o = api.authenticateToken(c.getKey(), API_AUDIENCES);
            assertThat(o.lastStatus()).as(c.getValue().label()).isEqualTo(200);
            assertThat(o.authenticated()).as(c.getValue().label()).isFalse();
            assertThat(o.error()).as(c.getValue().label()).contains(c.getValue().error());
            assertThat(o.attempts()).as("nothing to retry").isEqualTo(1);
        }
        assertNoTokenLogged(cases.keySet());
    }

    @Test
    void badRequestsAreA200WithAnErrorNeverA500() throws Exception {
        KubeApiServerWebhookModel api = apiServer("v1");
        String token = login("alice", "alice-password").path("id_token").asText();
        Map<String, Refusal> cases = new java.util.LinkedHashMap<>();
        cases.put("{not json", Refusal.MALFORMED_REQUEST);
        cases.put("[]", Refusal.MALFORMED_REQUEST);
        cases.put("", Refusal.MALFORMED_REQUEST);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"token\":\""
                + token + "\"}}", Refusal.WRONG_KIND);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v2\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\""
                + token + "\"}}", Refusal.WRONG_KIND);
        cases.put("{\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}", Refusal.WRONG_KIND);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{}}",
                Refusal.MISSING_TOKEN);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\"}", Refusal.MISSING_TOKEN);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"\"}}",
                Refusal.MISSING_TOKEN);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":42}}",
                Refusal.MALFORMED_REQUEST);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\""
                + token + "\",\"audiences\":\"kubectl\"}}", Refusal.MALFORMED_REQUEST);
        cases.put("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\""
                + "x".repeat(70_000) + "\"}}", Refusal.TOO_LARGE);
        for (Map.Entry<String, Refusal> c : cases.entrySet()) {
            KubeApiServerWebhookModel.HttpResult r = api.post(c.getKey());
            assertThat(r.status()).as(c.getValue().label()).isEqualTo(200);
            assertThat(r.error()).as(c.getValue().label()).isEmpty();
            JsonNode status = r.review().path("status");
            assertThat(status.path("authenticated").asBoolean(true)).as(c.getValue().label()).isFalse();
            assertThat(status.path("error").asText()).as(c.getValue().label()).isEqualTo(c.getValue().error());
            assertThat(status.has("user")).isFalse();
        }
        // Still answering, and the refusals are counted by reason.
        assertThat(api.authenticateToken(token, API_AUDIENCES).authenticated()).isTrue();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (Refusal r : List.of(Refusal.MALFORMED_REQUEST, Refusal.WRONG_KIND, Refusal.MISSING_TOKEN,
                Refusal.TOO_LARGE)) {
            assertThat(metrics).containsPattern("greenshank_bridge_token_reviews_total\\{[^}]*outcome=\"" + r.label()
                    + "\"[^}]*} [1-9]");
        }
        assertThat(metrics).containsPattern(
                "greenshank_bridge_token_reviews_total\\{[^}]*outcome=\"authenticated\"[^}]*} [1-9]");
        assertNoTokenLogged(List.of(token));
    }

    @Test
    void onlyPostAtThePathIsServed() throws Exception {
        HttpClient client = apiServer("v1").http();
        URI base = URI.create("https://localhost:" + TokenReviewProfile.PORT);
        assertThat(client.send(HttpRequest.newBuilder(base.resolve("/tokenreview")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(client.send(HttpRequest.newBuilder(base.resolve("/keys")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void aClientWithoutTheApiServersCertificateIsNotServed() throws Exception {
        String token = login("alice", "alice-password").path("id_token").asText();
        KubeApiServerWebhookModel stranger = new KubeApiServerWebhookModel(webhookConfig("webhook-stranger.yaml",
                TokenReviewProfile.PKI.strangerCert(), TokenReviewProfile.PKI.strangerKey()), "v1", API_AUDIENCES);
        KubeApiServerWebhookModel.Outcome o = stranger.authenticateToken(token, API_AUDIENCES);
        assertThat(o.authenticated()).isFalse();
        assertThat(o.error().orElseThrow()).startsWith("connection:");

        SSLContext noCertificate = SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(TokenReviewProfile.PKI.ca())));
        tmf.init(trust);
        noCertificate.init(null, tmf.getTrustManagers(), null);
        HttpClient anonymous = HttpClient.newBuilder().sslContext(noCertificate).build();
        assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + TokenReviewProfile.PORT + "/tokenreview"))
                .POST(HttpRequest.BodyPublishers.ofString(apiServer("v1").requestBody(token, List.of()))).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private JsonNode rawAnswer(String version, String token, List<String> audiences) throws Exception {
        KubeApiServerWebhookModel api = apiServer(version);
        KubeApiServerWebhookModel.HttpResult r = api.post(api.requestBody(token, audiences));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.error()).isEmpty();
        return r.review();
    }

    private String expiredToken() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(20));
        return sign(keys.signer().signer(), keys.signer().kid(), JOSEObjectType.JWT, claims(past).build());
    }

    private static JWTClaimsSet.Builder claims(Instant issued) {
        return new JWTClaimsSet.Builder().issuer(TokenReviewProfile.ISSUER).subject(UUID.randomUUID().toString())
                .audience("kubectl").issueTime(Date.from(issued)).expirationTime(Date.from(issued.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString()).claim("email", "eve@example.com").claim("email_verified", true)
                .claim("groups", List.of("ml-engineers"));
    }

    private static String sign(JWSSigner signer, String kid, JOSEObjectType type, JWTClaimsSet claims)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(signer instanceof com.nimbusds.jose.crypto.ECDSASigner
                ? com.nimbusds.jose.JWSAlgorithm.ES256 : com.nimbusds.jose.JWSAlgorithm.RS256)
                .keyID(kid).type(type).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private void assertNoTokenLogged(Iterable<String> tokens) {
        synchronized (logs) {
            assertThat(logs).isNotEmpty();
            for (String t : tokens) {
                String signature = t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t;
                assertThat(logs).noneMatch(l -> l.contains(t) || (signature.length() > 20 && l.contains(signature)));
            }
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
