package io.greenshank.bridge.oidc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.ldap.SlapdResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole bridge over a real OpenLDAP slapd: grants, faults, throttling, token exchange, logout. */
@QuarkusTest
@TestProfile(SlapdProfile.class)
class BridgeOverSlapdTest {

    static Response password(String user, String password) {
        return given().formParam("grant_type", "password").formParam("client_id", "kubectl")
                .formParam("username", user).formParam("password", password).formParam("scope", "openid")
                .post("/token");
    }

    @Test
    void passwordGrantCarriesNestedGroupsFromSlapd() throws Exception {
        Response r = password("alice", "alice-secret-1");
        r.then().statusCode(200);
        var c = SignedJWT.parse(r.jsonPath().getString("id_token")).getJWTClaimsSet();
        assertThat(c.getStringListClaim("groups")).containsExactlyInAnyOrder("ml-engineers", "data-science",
                "all-staff");
        assertThat(c.getStringClaim("email")).isEqualTo("alice@example.test");
    }

    @Test
    void lockedAccountAndInjectionGetInvalidGrant() {
        password("locked", "locked-secret-1").then().statusCode(400).body("error", equalTo("invalid_grant"));
        password("*", "alice-secret-1").then().statusCode(400).body("error", equalTo("invalid_grant"));
        password("*)(uid=*))(|(uid=*", "x").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void slapdDownGivesTemporarilyUnavailableWithinTheTimeoutThenRecovers() throws Exception {
        password("bob", "bob-secret-1").then().statusCode(200);
        SlapdResource.slapd.stop();
        try {
            long t0 = System.nanoTime();
            password("bob", "bob-secret-1").then().statusCode(503)
                    .body("error", equalTo("temporarily_unavailable"));
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        } finally {
            SlapdResource.slapd.restart();
        }
        password("bob", "bob-secret-1").then().statusCode(200);
    }

    @Test
    void repeatedFailuresAreThrottledWith429AndRetryAfter() {
        for (int i = 0; i < 3; i++) {
            password("josé", "wrong").then().statusCode(400);
        }
        password("josé", "wrong").then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // Throttled before the directory: even the right password waits, which is what stops guessing.
        password("josé", "jose-secret-1").then().statusCode(429);
    }

    @Test
    void tokenExchangeMintsForAnAllowedAudienceOnly() throws Exception {
        String id = password("alice", "alice-secret-1").jsonPath().getString("id_token");
        Response r = given().formParam("grant_type", TokenExchangeGrant.GRANT_TYPE).formParam("client_id", "kubectl")
                .formParam("subject_token", id).formParam("subject_token_type", TokenExchangeGrant.ID_TOKEN_TYPE)
                .formParam("audience", "kubeflow").post("/token");
        r.then().statusCode(200).body("issued_token_type", equalTo(TokenExchangeGrant.ACCESS_TOKEN_TYPE));
        var at = SignedJWT.parse(r.jsonPath().getString("access_token"));
        assertThat(at.getHeader().getType().toString()).isEqualTo("at+jwt");
        assertThat(at.getJWTClaimsSet().getAudience()).isEqualTo(List.of("kubeflow"));
        assertThat(at.getJWTClaimsSet().getStringListClaim("amr")).containsExactly("pwd");
        assertThat(r.jsonPath().getString("refresh_token")).isNull();

        given().formParam("grant_type", TokenExchangeGrant.GRANT_TYPE).formParam("client_id", "kubectl")
                .formParam("subject_token", id).formParam("subject_token_type", TokenExchangeGrant.ID_TOKEN_TYPE)
                .formParam("audience", "somewhere-else").post("/token").then().statusCode(400)
                .body("error", equalTo("invalid_target"));
        given().formParam("grant_type", TokenExchangeGrant.GRANT_TYPE).formParam("client_id", "kubectl")
                .formParam("subject_token", id.substring(0, id.length() - 4) + "AAAA")
                .formParam("subject_token_type", TokenExchangeGrant.ID_TOKEN_TYPE)
                .formParam("audience", "kubeflow").post("/token").then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void logoutEndsTheRefreshFamilyAndRedirectsOnlyToRegisteredUris() {
        Response r = password("bob", "bob-secret-1");
        String id = r.jsonPath().getString("id_token");
        String refresh = r.jsonPath().getString("refresh_token");
        given().queryParam("id_token_hint", id).queryParam("post_logout_redirect_uri", "https://evil.example/")
                .redirects().follow(false).get("/logout").then().statusCode(200);
        given().formParam("grant_type", "refresh_token").formParam("client_id", "kubectl")
                .formParam("refresh_token", refresh).post("/token").then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }
}
