package io.greenshank.bridge.device;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.web.BrowserBinding;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The device authorization grant through the real endpoints, over a real OpenLDAP slapd: the CLI's requests, the
 * browser's pages (with its CSRF cookie) and every error the token endpoint answers while the CLI polls.
 */
@QuarkusTest
@TestProfile(DeviceSlapdProfile.class)
class DeviceFlowOverSlapdTest {

    static final String GRANT = DeviceCodeGrant.GRANT_TYPE;

    /** The browser on the verification page: its CSRF cookie and the form's binding of it. */
    record Browser(String cookie, String csrf, String page) {
    }

    static JsonPath start(String scope) {
        return given().formParams(Map.of("client_id", "kubectl", "scope", scope)).post("/device_authorization")
                .then().statusCode(200).header("Cache-Control", "no-store").extract().jsonPath();
    }

    static Response poll(String deviceCode) {
        return given().formParams(Map.of("grant_type", GRANT, "client_id", "kubectl", "device_code", deviceCode))
                .post("/token");
    }

    static Browser open(String userCode) {
        Response r = given().queryParam("user_code", userCode).get("/device");
        r.then().statusCode(200);
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).startsWith(BrowserBinding.COOKIE + "=").contains("; Secure").contains("; HttpOnly")
                .contains("; SameSite=Lax").contains("; Path=/").doesNotContainIgnoringCase("domain");
        String cookie = r.cookie(BrowserBinding.COOKIE);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(r.asString());
        assertThat(m.find()).isTrue();
        assertThat(r.asString()).as("the cookie value never appears in the page").doesNotContain(cookie);
        return new Browser(cookie, m.group(1), r.asString());
    }

    static Response decide(Browser b, String userCode, Map<String, String> fields) {
        return given().cookie(BrowserBinding.COOKIE, b.cookie()).formParam("user_code", userCode)
                .formParam("csrf", b.csrf()).formParams(fields).post("/device");
    }

    @Test
    void discoveryAdvertisesTheDeviceEndpointAndGrant() {
        JsonPath d = given().get("/.well-known/openid-configuration").then().statusCode(200).extract().jsonPath();
        assertThat(d.getString("device_authorization_endpoint")).isEqualTo(d.getString("issuer")
                + "/device_authorization");
        assertThat(d.getList("grant_types_supported", String.class)).contains(GRANT);
    }

    @Test
    void passwordApprovalGivesTokensOnceWithTheDirectorysGroups() throws Exception {
        JsonPath s = start("openid groups offline_access");
        String userCode = s.getString("user_code");
        assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(s.getString("device_code")).hasSize(43);
        assertThat(s.getString("verification_uri")).endsWith("/device");
        assertThat(s.getString("verification_uri_complete")).isEqualTo(s.getString("verification_uri")
                + "?user_code=" + userCode);
        assertThat(s.getInt("expires_in")).isEqualTo(DeviceSlapdProfile.LIFETIME_SECONDS);
        assertThat(s.getInt("interval")).isEqualTo(5);

        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));

        Browser b = open(userCode.toLowerCase());
        assertThat(b.page()).contains("<strong>kubectl</strong>").contains(userCode);
        decide(b, userCode, Map.of("decision", "approve", "username", "alice", "password", "alice-secret-1"))
                .then().statusCode(200).body(org.hamcrest.Matchers.containsString("Device approved"));

        Response tokens = poll(s.getString("device_code"));
        tokens.then().statusCode(200).header("Cache-Control", "no-store");
        JWTClaimsSet id = SignedJWT.parse(tokens.jsonPath().getString("id_token")).getJWTClaimsSet();
        assertThat(id.getSubject()).isNotBlank();
        assertThat(id.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(id.getStringListClaim("groups")).containsExactlyInAnyOrder("ml-engineers", "data-science",
                "all-staff");
        assertThat(id.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(id.getAudience()).containsExactly("kubectl");
        assertThat(tokens.jsonPath().getString("refresh_token")).isNotBlank();

        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        decide(b, userCode, Map.of("decision", "approve", "username", "alice", "password", "alice-secret-1"))
                .then().statusCode(400);
    }

    @Test
    void denyIsAccessDenied() {
        JsonPath s = start("openid");
        Browser b = open(s.getString("user_code"));
        decide(b, s.getString("user_code"), Map.of("decision", "deny")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("Device denied"));
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("access_denied"));
    }

    @Test
    void aWrongPasswordShowsTheFormAgainAndTheCodeStaysPending() {
        JsonPath s = start("openid");
        Browser b = open(s.getString("user_code"));
        Response r = decide(b, s.getString("user_code"), Map.of("decision", "approve", "username", "bob",
                "password", "wrong"));
        r.then().statusCode(200);
        assertThat(r.asString()).contains("role=\"alert\"").contains("The username or password is incorrect.")
                .contains("name=\"csrf\" value=\"" + b.csrf() + "\"");
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));
        decide(b, s.getString("user_code"), Map.of("decision", "approve", "username", "bob",
                "password", "bob-secret-1")).then().statusCode(200);
    }

    @Test
    void approvingWithNoCredentialAsksForOne() {
        JsonPath s = start("openid");
        Browser b = open(s.getString("user_code"));
        Response r = decide(b, s.getString("user_code"), Map.of("decision", "approve"));
        assertThat(r.statusCode()).isIn(400, 401);
        assertThat(r.asString()).contains("Enter your username and password to approve.");
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));
    }

    @Test
    void pollingFasterThanTheIntervalIsSlowDown() {
        JsonPath s = start("openid");
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("slow_down"));
    }

    @Test
    void anExpiredCodeIsExpiredTokenAndCannotBeEntered() throws Exception {
        JsonPath s = start("openid");
        Thread.sleep((DeviceSlapdProfile.LIFETIME_SECONDS + 1) * 1000L);
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("expired_token"));
        given().queryParam("user_code", s.getString("user_code")).get("/device").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString(DeviceEndpoint.BAD_CODE));
    }

    @Test
    void clientsAreAuthenticatedAndMustBeAllowedTheGrant() {
        given().formParams(Map.of("client_id", "nobody")).post("/device_authorization").then().statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().auth().preemptive().basic("webapp", "webapp-test-secret").formParam("scope", "openid")
                .post("/device_authorization").then().statusCode(400).body("error", equalTo("unauthorized_client"));
        given().auth().preemptive().basic("webapp", "wrong").formParam("scope", "openid")
                .post("/device_authorization").then().statusCode(401).body("error", equalTo("invalid_client"));
        given().contentType("application/json").body("{\"client_id\":\"kubectl\"}").post("/device_authorization")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        poll("not-a-device-code").then().statusCode(400).body("error", equalTo("invalid_grant"));
        given().formParams(Map.of("grant_type", GRANT, "client_id", "kubectl")).post("/token").then()
                .statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void aPostWithoutThisBrowsersCookieOrFromAnotherOriginIsRefused() {
        JsonPath s = start("openid");
        String userCode = s.getString("user_code");
        Browser b = open(userCode);
        Map<String, String> approve = Map.of("user_code", userCode, "csrf", b.csrf(), "decision", "approve",
                "username", "alice", "password", "alice-secret-1");
        given().formParams(approve).post("/device").then().statusCode(403);
        given().cookie(BrowserBinding.COOKIE, open(userCode).cookie()).formParams(approve).post("/device").then()
                .statusCode(403);
        given().cookie(BrowserBinding.COOKIE, b.cookie()).header("Origin", "https://evil.example.test")
                .formParams(approve).post("/device").then().statusCode(403);
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));
        double refused = given().get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith(DeviceEndpoint.METRIC + "{") && l.contains("outcome=\"cross_site\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(refused).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aWrongCodeIsNeverEchoed() {
        String evil = "<script>alert(1)</script>";
        Response r = given().queryParam("user_code", evil).get("/device");
        r.then().statusCode(400);
        assertThat(r.asString()).doesNotContain(evil).doesNotContain("alert(1)").contains(DeviceEndpoint.BAD_CODE);
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }
}
