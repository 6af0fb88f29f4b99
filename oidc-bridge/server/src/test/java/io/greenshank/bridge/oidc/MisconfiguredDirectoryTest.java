package io.greenshank.bridge.oidc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.unboundid.ldap.sdk.LDAPConnection;
import io.greenshank.bridge.ldap.SlapdResource;
import io.greenshank.testing.ldap.Slapd;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The whole bridge over a real slapd whose user base does not exist yet: readiness is DOWN with the reason, logins
 * answer {@code server_error} (not {@code temporarily_unavailable}), creating the base brings readiness back without
 * a restart, and a real outage afterwards stays ready with {@code temporarily_unavailable} + {@code Retry-After}.
 */
@QuarkusTest
@TestProfile(MisconfiguredDirectoryTest.AbsentBase.class)
class MisconfiguredDirectoryTest {

    static final String LATER = "ou=later," + Slapd.BASE;

    /** slapd as {@link SlapdResource} starts it, with the user base pointed at an entry not yet created. */
    public static class AbsentBaseResource implements QuarkusTestResourceLifecycleManager {
        private final SlapdResource slapd = new SlapdResource();

        @Override
        public Map<String, String> start() {
            Map<String, String> m = new HashMap<>(slapd.start());
            m.put("greenshank.bridge.ldap.user-base-dn", LATER);
            m.put("greenshank.bridge.ldap.self-check-interval", "PT0.5S");
            return m;
        }

        @Override
        public void stop() {
            slapd.stop();
        }
    }

    public static class AbsentBase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AbsentBaseResource.class));
        }
    }

    static Response password(String user, String password) {
        return given().formParam("grant_type", "password").formParam("client_id", "kubectl")
                .formParam("username", user).formParam("password", password).formParam("scope", "openid")
                .post("/token");
    }

    static JsonPath directoryCheck(Response ready) {
        return new JsonPath(ready.asString()).setRootPath("checks.find { it.name == 'directory' }");
    }

    static Response awaitReadiness(Predicate<Response> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            Response r = given().get("/q/health/ready");
            if (until.test(r) || Instant.now().isAfter(deadline)) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void misconfigurationIsNotReadyAndNotAnOutageUntilFixedThenAnOutageIsRetryable() throws Exception {
        Response down = awaitReadiness(r -> directoryCheck(r).getString("data.state") != null);
        assertThat(down.statusCode()).as(down.asString()).isEqualTo(503);
        JsonPath check = directoryCheck(down);
        assertThat(check.getString("status")).isEqualTo("DOWN");
        assertThat(check.getString("data.state")).isEqualTo("misconfigured");
        assertThat(check.getString("data.reason")).contains(LATER).contains("greenshank.bridge.ldap.user-base-dn");

        Response refused = password("alice", "alice-secret-1");
        refused.then().statusCode(503).body("error", equalTo("server_error"));
        assertThat(refused.getHeader("Retry-After")).isNull();
        assertThat(refused.jsonPath().getString("error_description")).contains("administrator")
                .doesNotContain(LATER);
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("greenshank_bridge_logins_total\\{[^}]*outcome=\"directory_misconfigured\"");

        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", SlapdResource.slapd.port(), Slapd.ROOT_DN,
                Slapd.ROOT_PW)) {
            admin.add("dn: " + LATER, "objectClass: organizationalUnit", "ou: later");
        }
        Response up = awaitReadiness(r -> r.statusCode() == 200);
        assertThat(up.statusCode()).as(up.asString()).isEqualTo(200);
        assertThat(directoryCheck(up).getString("data.state")).isEqualTo("ready");
        // The directory now answers: nobody lives under the new base, an ordinary refusal.
        password("alice", "alice-secret-1").then().statusCode(400).body("error", equalTo("invalid_grant"));

        SlapdResource.slapd.stop();
        try {
            Response outage = awaitReadiness(r -> "unreachable".equals(directoryCheck(r).getString("data.state")));
            assertThat(outage.statusCode()).as("an outage keeps the bridge ready: " + outage.asString())
                    .isEqualTo(200);
            Response unavailable = password("alice", "alice-secret-1");
            unavailable.then().statusCode(503).body("error", equalTo("temporarily_unavailable"));
            assertThat(unavailable.getHeader("Retry-After")).isEqualTo("5");
        } finally {
            SlapdResource.slapd.restart();
        }
        assertThat(awaitReadiness(r -> "ready".equals(directoryCheck(r).getString("data.state"))).statusCode())
                .isEqualTo(200);
    }
}
