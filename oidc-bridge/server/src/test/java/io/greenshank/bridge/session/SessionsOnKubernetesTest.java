package io.greenshank.bridge.session;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.Secret;
import io.greenshank.bridge.web.BrowserBinding;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real {@code /token} endpoint with sessions kept in Secrets of a (mock, CRUD) Kubernetes API. */
@QuarkusTest
@TestProfile(SessionsOnKubernetesTest.Profile.class)
@WithKubernetesTestServer(crud = true)
class SessionsOnKubernetesTest {

    /** This test's browser: its CSRF cookie goes with the form's GET and post. */
    static final String BROWSER = SessionKeys.random(32);

    static final String NS = "bridge-sessions";
    static final String REDIRECT = "http://127.0.0.1:8000/callback";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.sessions.store", "kubernetes",
                    "greenshank.bridge.sessions.namespace", NS);
        }
    }

    @KubernetesTestServer
    KubernetesServer kubernetes;

    static Response token(Map<String, String> form) {
        return given().formParams(form).post("/token");
    }

    List<Secret> families() {
        return secrets("refresh-family");
    }

    List<Secret> secrets(String kind) {
        return kubernetes.getClient().secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, kind).list()
                .getItems();
    }

    @Test
    void browserCodeFlowKeepsTheCodeInASecretUntilRedeemed() throws Exception {
        String verifier = SessionKeys.random(40);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        int before = kubernetes.getClient().secrets().inNamespace(NS).list().getItems().size();
        int spentBefore = secrets("spent-authorization-request").size();
        String form = given().queryParams(Map.of("response_type", "code", "client_id", "kubectl",
                        "redirect_uri", REDIRECT, "scope", "openid", "state", "s-1", "code_challenge", challenge,
                        "code_challenge_method", "S256"))
                .cookie(BrowserBinding.COOKIE, BROWSER).get("/authorize").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(form);
        assertThat(m.find()).isTrue();
        assertThat(kubernetes.getClient().secrets().inNamespace(NS).list().getItems())
                .as("an unauthenticated GET writes nothing to the API server").hasSize(before);

        String location = given().redirects().follow(false).cookie(BrowserBinding.COOKIE, BROWSER)
                .formParams(Map.of("request", m.group(1), "username", "alice", "password", "alice-password"))
                .post("/authorize").then().statusCode(303).extract().header("Location");
        assertThat(secrets("authorization-code")).hasSize(1);
        assertThat(secrets("spent-authorization-request")).as("the form, spent after the login")
                .hasSize(spentBefore + 1);
        given().redirects().follow(false).cookie(BrowserBinding.COOKIE, BROWSER)
                .formParams(Map.of("request", m.group(1), "username", "alice",
                "password", "alice-password")).post("/authorize").then().statusCode(400);
        assertThat(secrets("authorization-code")).as("posted again: no second code").hasSize(1);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        assertThat(code.find()).isTrue();

        Map<String, String> exchange = Map.of("grant_type", "authorization_code", "client_id", "kubectl",
                "code", code.group(1), "redirect_uri", REDIRECT, "code_verifier", verifier);
        token(exchange).then().statusCode(200).body("token_type", equalTo("Bearer"));
        assertThat(secrets("authorization-code")).as("a redeemed code is deleted").isEmpty();
        token(exchange).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void passwordLoginThenRefreshThenReuseIsRefusedAndEndsTheFamily() {
        int before = families().size(); // other tests' logins
        Response login = token(Map.of("grant_type", "password", "client_id", "kubectl", "username", "alice",
                "password", "alice-password", "scope", "openid groups"));
        login.then().statusCode(200);
        String first = login.jsonPath().getString("refresh_token");
        assertThat(families()).as("the family is a Secret").hasSize(before + 1);

        Response refreshed = token(Map.of("grant_type", "refresh_token", "client_id", "kubectl",
                "refresh_token", first));
        refreshed.then().statusCode(200);
        String second = refreshed.jsonPath().getString("refresh_token");
        assertThat(second).isNotEqualTo(first);

        token(Map.of("grant_type", "refresh_token", "client_id", "kubectl", "refresh_token", first))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        token(Map.of("grant_type", "refresh_token", "client_id", "kubectl", "refresh_token", second))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertThat(families()).as("reuse deleted the family").hasSize(before);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("greenshank_bridge_session_store_operations_total{")
                && l.contains("kind=\"refresh-family\"") && l.contains("operation=\"replace\"")
                && l.contains("outcome=\"ok\"")).toList()).as("the rotation is counted").hasSize(1);
    }
}
