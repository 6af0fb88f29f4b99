package io.greenshank.bridge.oidc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.session.MemorySessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.web.BrowserBinding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The login form through the real endpoint: what it accepts once, and the one page for everything it refuses. */
@QuarkusTest
class LoginFormTest {

    static final String CB = "http://127.0.0.1:8000/callback";

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    String audience() {
        return base.toString().replaceAll("/$", "") + "/authorize";
    }

    static String form(String state) {
        String challenge = AuthorizationCodeGrant.s256(SessionKeys.random(40));
        String page = given().queryParams(Map.of("response_type", "code", "client_id", "kubectl", "redirect_uri", CB,
                        "scope", "openid", "state", state, "code_challenge", challenge,
                        "code_challenge_method", "S256"))
                .cookie(BrowserBinding.COOKIE, BROWSER).get("/authorize").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** This test's browser: its CSRF cookie goes with every GET and post of the form. */
    static final String BROWSER = SessionKeys.random(32);

    static Response post(String sealed, String password) {
        return given().redirects().follow(false).cookie(BrowserBinding.COOKIE, BROWSER)
                .formParams(Map.of("request", sealed, "username", "alice", "password", password)).post("/authorize");
    }

    static double refusals(String reason) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("greenshank_bridge_login_form_refusals_total{")
                && l.contains("reason=\"" + reason + "\"")).mapToDouble(l -> Double.parseDouble(
                        l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theSealedRequestIsNoTokenForUserinfoOrTokenExchange() {
        String sealed = form("s-1");
        given().header("Authorization", "Bearer " + sealed).get("/userinfo").then().statusCode(401);
        for (String type : List.of(TokenExchangeGrant.ACCESS_TOKEN_TYPE, TokenExchangeGrant.ID_TOKEN_TYPE)) {
            given().formParams(Map.of("grant_type", TokenExchangeGrant.GRANT_TYPE, "client_id", "kubectl",
                            "subject_token", sealed, "subject_token_type", type, "audience", "kubeflow"))
                    .post("/token").then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.equalTo("invalid_grant"))
                    .body("error_description", org.hamcrest.Matchers.equalTo("subject_token is invalid or expired"));
        }
    }

    @Test
    void everyUnusableFormGetsTheSamePageAndNothingIsIssued() throws Exception {
        String sealed = form("s-2");
        String[] parts = sealed.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("s-2", "s-3").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        KeyManager foreignKeys = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(30),
                Duration.ofHours(6), Duration.ofMinutes(11), KeyManager.generator("RS256"));
        foreignKeys.refresh();
        AuthorizationRequests foreign = new AuthorizationRequests(foreignKeys,
                new MemorySessionStore<>(AuthorizationRequests.SPENT_KIND), id -> Optional.empty(),
                new SimpleMeterRegistry(), Clock.systemUTC());
        String foreignForm = foreign.seal(foreign.pending("kubectl", CB, Optional.empty(), Optional.empty(),
                Optional.of("c".repeat(43)), Set.of("openid")), audience());

        String accessToken = given().formParams(Map.of("grant_type", "password", "client_id", "kubectl",
                        "username", "bob", "password", "bob-password", "scope", "openid"))
                .post("/token").then().statusCode(200).extract().path("access_token");

        Map<String, String> cases = Map.of("tampered", tampered, "foreign", foreignForm, "token", accessToken,
                "garbage", "not-a-form", "parked-id", SessionKeys.random(24));
        Map<String, Double> before = Map.of("bad_signature", refusals("bad_signature"),
                "unknown_key", refusals("unknown_key"), "wrong_type", refusals("wrong_type"),
                "malformed", refusals("malformed"));
        String expected = null;
        for (var c : cases.entrySet()) {
            Response r = post(c.getValue(), "alice-password");
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(r.header("Location")).as(c.getKey()).isNull();
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            String body = r.asString();
            assertThat(body).as(c.getKey()).contains("<h1>Sign-in expired</h1>").doesNotContain(c.getValue());
            expected = expected == null ? body : expected;
            assertThat(body).as("%s: the same page for every reason", c.getKey()).isEqualTo(expected);
        }
        Response missing = given().redirects().follow(false).formParams(Map.of("username", "alice",
                "password", "alice-password")).post("/authorize");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.asString()).isEqualTo(expected);

        assertThat(refusals("bad_signature") - before.get("bad_signature")).isEqualTo(1.0);
        assertThat(refusals("unknown_key") - before.get("unknown_key")).isEqualTo(1.0);
        assertThat(refusals("wrong_type") - before.get("wrong_type")).isEqualTo(1.0);
        assertThat(refusals("malformed") - before.get("malformed")).isEqualTo(3.0);

        assertThat(post(sealed, "alice-password").statusCode()).as("the untouched form still works")
                .isEqualTo(303);
    }

    @Test
    void aFailedLoginKeepsTheFormAndASuccessfulOneSpendsIt() {
        String sealed = form("s-4");
        Response wrong = post(sealed, "not-it");
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.asString()).contains("role=\"alert\"").contains("The username or password is incorrect.")
                .contains("value=\"" + sealed + "\"");
        Response ok = post(sealed, "alice-password");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.header("Location")).startsWith(CB + "?code=").contains("state=s-4");
        double spent = refusals("spent");
        Response again = post(sealed, "alice-password");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.header("Location")).isNull();
        assertThat(refusals("spent") - spent).isEqualTo(1.0);
    }

    @Test
    void aFormPostedTwiceAtOnceYieldsOneCode() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                String sealed = form("race-" + i);
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<Integer>> posts = new ArrayList<>();
                String body = "request=" + URLEncoder.encode(sealed, StandardCharsets.UTF_8)
                        + "&username=alice&password=alice-password";
                HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("/authorize"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", BrowserBinding.COOKIE + "=" + BROWSER)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                for (int j = 0; j < 2; j++) {
                    posts.add(pool.submit(() -> {
                        barrier.await();
                        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (var f : posts) {
                    statuses.add(f.get());
                }
                assertThat(statuses).as("iteration %d", i).containsExactlyInAnyOrder(303, 400);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLongStateFitsInTheForm() {
        String state = "s".repeat(3000);
        String sealed = form(state);
        Response ok = post(sealed, "alice-password");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.header("Location")).contains("state=" + state);
    }
}
