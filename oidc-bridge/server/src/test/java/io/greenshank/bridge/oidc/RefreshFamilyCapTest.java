package io.greenshank.bridge.oidc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-user family cap through the real {@code /token} endpoint (memory store, embedded directory). */
@QuarkusTest
@TestProfile(RefreshFamilyCapTest.Profile.class)
class RefreshFamilyCapTest {

    /** Its own application: no other test's logins of alice in the store. The cap as shipped. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.sessions.max-families-per-user", "50");
        }
    }

    static Response refresh(String token) {
        return given().formParams(Map.of("grant_type", "refresh_token", "client_id", "kubectl",
                "refresh_token", token)).post("/token");
    }

    @Test
    void the51stPasswordGrantEvictsTheFirstFamilyAndTheOthersStillRefresh() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            Response r = PasswordGrantTest.password("alice", "alice-password");
            r.then().statusCode(200);
            tokens.add(r.jsonPath().getString("refresh_token"));
        }

        refresh(tokens.get(0)).then().statusCode(400).body("error", equalTo("invalid_grant"));
        for (int i = 1; i < 51; i++) {
            refresh(tokens.get(i)).then().statusCode(200);
        }
        Response bob = PasswordGrantTest.password("bob", "bob-password");
        bob.then().statusCode(200);
        refresh(bob.jsonPath().getString("refresh_token")).then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("greenshank_bridge_refresh_families_evicted_total"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList())
                .as("exactly one family evicted").containsExactly(1.0);
    }
}
