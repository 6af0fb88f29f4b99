package io.greenshank.bridge.oidc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.SignedJWT;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PasswordGrantTest {

    static Response password(String user, String password) {
        return given().formParam("grant_type", "password").formParam("client_id", "kubectl")
                .formParam("username", user).formParam("password", password).formParam("scope", "openid groups")
                .post("/token");
    }

    @Test
    void passwordGrantMintsIdTokenWithStableSubjectGroupsAndAmr() throws Exception {
        Response r = password("alice", "alice-password");
        r.then().statusCode(200).header("Cache-Control", "no-store");
        SignedJWT id = SignedJWT.parse(r.jsonPath().getString("id_token"));
        var c = id.getJWTClaimsSet();
        assertThat(c.getSubject()).isNotEqualTo("alice").matches("[0-9a-f-]{36}");
        assertThat(c.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(c.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(c.getBooleanClaim("email_verified")).isTrue();
        assertThat(c.getStringListClaim("groups")).containsExactlyInAnyOrder("ml-engineers", "platform-users");
        assertThat(c.getStringListClaim("amr")).isEqualTo(List.of("pwd"));
        assertThat(c.getAudience()).containsExactly("kubectl");
        assertThat(r.jsonPath().getString("refresh_token")).isNotBlank();
        assertThat(id.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    }

    @Test
    void theDemoPeopleAreOneIdentityEachAcrossTheDevRun() throws Exception {
        // The same user ids README's story, authz-service and the KFAM API use; mallory is in no group.
        for (String login : List.of("bob", "mallory")) {
            Response r = password(login, login + "-password");
            r.then().statusCode(200);
            var c = SignedJWT.parse(r.jsonPath().getString("access_token")).getJWTClaimsSet();
            assertThat(c.getStringClaim("email")).isEqualTo(login + "@example.com");
            assertThat(c.getAudience()).contains("kubeflow");
        }
        var mallory = SignedJWT.parse(password("mallory", "mallory-password").jsonPath().getString("id_token"))
                .getJWTClaimsSet();
        assertThat(mallory.getStringListClaim("groups")).isNullOrEmpty();
    }

    @Test
    void wrongPasswordAndUnknownUserGiveTheSameInvalidGrant() {
        Response wrong = password("bob", "nope");
        Response unknown = password("nobody-here", "nope");
        wrong.then().statusCode(400).body("error", equalTo("invalid_grant"));
        unknown.then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertThat(wrong.jsonPath().getString("error_description"))
                .isEqualTo(unknown.jsonPath().getString("error_description"));
    }

    @Test
    void lockedAccountIsRefused() {
        password("carol", "carol-password").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void emptyPasswordIsRefused() {
        password("bob", "").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void unknownClientAndUnsupportedGrant() {
        given().formParam("grant_type", "password").formParam("client_id", "nope").post("/token")
                .then().statusCode(401).body("error", equalTo("invalid_client"));
        given().formParam("grant_type", "client_credentials").formParam("client_id", "kubectl").post("/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().formParam("grant_type", "password").auth().preemptive().basic("webapp", "wrong").post("/token")
                .then().statusCode(401).body("error", equalTo("invalid_client"));
        given().formParam("grant_type", "password").auth().preemptive().basic("webapp", "webapp-test-secret")
                .formParam("username", "bob").formParam("password", "bob-password").post("/token")
                .then().statusCode(400).body("error", equalTo("unauthorized_client"));
    }

    @Test
    void malformedTokenRequestsGetAnOAuthErrorAndNoToken() {
        // Not a form: RFC 6749 §3.2 requires application/x-www-form-urlencoded.
        given().contentType("application/json").body("{\"grant_type\":\"password\"}").post("/token")
                .then().statusCode(400).header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_request"));
        given().contentType("application/x-www-form-urlencoded").body("grant_type=password&client_id=%zz")
                .post("/token").then().statusCode(400).body("error", equalTo("invalid_request"));
        given().contentType("application/x-www-form-urlencoded")
                .body("grant_type=password&client_id=kubectl&username=alice&username=bob&password=alice-password")
                .post("/token").then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("parameter username repeated"));
        given().contentType("application/x-www-form-urlencoded").body("client_id=kubectl").post("/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        String huge = "grant_type=password&client_id=kubectl&username=alice&password=" + "x".repeat(300 * 1024);
        given().contentType("application/x-www-form-urlencoded").body(huge).post("/token")
                .then().statusCode(413);
        // A charset parameter is allowed, and form encoding (+, %2B, UTF-8) is decoded before the grant sees it.
        given().contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .body("grant_type=password&client_id=kubectl&username=alice&password=alice-password&scope=openid+groups")
                .post("/token").then().statusCode(200).body("scope", equalTo("groups openid"));
    }

    @Test
    void discoveryAndJwks() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("code_challenge_methods_supported", equalTo(List.of("S256")));
        given().get("/keys").then().statusCode(200).contentType("application/jwk-set+json")
                .header("Cache-Control", "public, max-age=300").body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].d", org.hamcrest.Matchers.nullValue());
        given().head("/keys").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'signing-keys' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'directory' }.data.state", equalTo("ready"));
    }
}
