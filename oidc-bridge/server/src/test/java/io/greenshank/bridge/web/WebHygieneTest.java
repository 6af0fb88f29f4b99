package io.greenshank.bridge.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.session.SessionKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bridge's web-facing pages and redirects (issue 15 item 5): security headers on every page, the login form's
 * CSRF binding and origin check, cookie flags, exact redirect URI matching and no reflected input.
 */
@QuarkusTest
class WebHygieneTest {

    static final String CB = "http://127.0.0.1:8000/callback";
    static final String WEBAPP_CB = "https://app.example.test/cb";

    static Map<String, String> authorize(String clientId, String redirectUri, String state) throws Exception {
        String verifier = SessionKeys.random(40);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri);
        q.put("scope", "openid");
        q.put("state", state);
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        return q;
    }

    /** A login form shown to the browser holding {@code cookie}: its sealed request. */
    static String form(String cookie) throws Exception {
        Response r = given().cookie(BrowserBinding.COOKIE, cookie).queryParams(authorize("kubectl", CB, "st"))
                .get("/authorize");
        r.then().statusCode(200);
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(r.asString());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static Response post(String sealed, String cookie, String origin) {
        var req = given().redirects().follow(false);
        if (cookie != null) {
            req = req.cookie(BrowserBinding.COOKIE, cookie);
        }
        if (origin != null) {
            req = req.header("Origin", origin);
        }
        return req.formParams(Map.of("request", sealed, "username", "alice", "password", "alice-password"))
                .post("/authorize");
    }

    static void assertPageHeaders(Response r, String what) {
        assertThat(r.header("Content-Security-Policy")).as(what).contains("frame-ancestors 'none'")
                .contains("default-src 'none'").contains("base-uri 'none'").doesNotContain("script-src");
        assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
        assertThat(r.header("X-Frame-Options")).as(what).isEqualTo("DENY");
    }

    @Test
    void everyPageAndAnswerCarriesTheSecurityHeaders() throws Exception {
        Response login = given().queryParams(authorize("kubectl", CB, "st")).get("/authorize");
        assertPageHeaders(login, "login form");
        assertThat(login.header("Cache-Control")).isEqualTo("no-store");
        assertThat(login.header("Content-Security-Policy"))
                .as("the post redirects to the client: CSP form-action must allow its origin, and only it")
                .contains("form-action 'self' http://127.0.0.1:8000").doesNotContain("/callback");
        assertPageHeaders(given().queryParam("client_id", "nobody").get("/authorize"), "error page");
        assertPageHeaders(given().get("/device"), "device entry page");
        assertPageHeaders(given().get("/logout"), "logout page");
        assertPageHeaders(given().get("/.well-known/openid-configuration"), "discovery");
        assertPageHeaders(given().formParam("grant_type", "password").post("/token"), "token error");
        assertPageHeaders(given().get("/no-such-page"), "404");
    }

    @Test
    void theCsrfCookieIsHostOnlySecureHttpOnlyAndLax() throws Exception {
        Response r = given().queryParams(authorize("kubectl", CB, "st")).get("/authorize");
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).matches(Pattern.quote(BrowserBinding.COOKIE) + "=[A-Za-z0-9_-]{43}; Path=/; Secure; "
                + "HttpOnly; SameSite=Lax");
        String value = r.cookie(BrowserBinding.COOKIE);
        assertThat(r.asString()).as("the value never appears in the page").doesNotContain(value);
        Response again = given().cookie(BrowserBinding.COOKIE, value).queryParams(authorize("kubectl", CB, "st"))
                .get("/authorize");
        assertThat(again.header("Set-Cookie")).as("a browser's valid cookie is kept, so two open forms both work")
                .isNull();
        Response junk = given().cookie(BrowserBinding.COOKIE, "junk").queryParams(authorize("kubectl", CB, "st"))
                .get("/authorize");
        assertThat(junk.header("Set-Cookie")).as("a malformed one is replaced").startsWith(BrowserBinding.COOKIE);
    }

    @Test
    void theLoginFormIsAcceptedOnlyFromTheBrowserItWasShownTo() throws Exception {
        String mine = SessionKeys.random(32);
        String sealed = form(mine);
        for (var c : new String[][] {{null, null}, {SessionKeys.random(32), null}, {"junk", null},
                {mine, "https://evil.example.test"}, {mine, "null"}, {mine, "http://127.0.0.1:8000"}}) {
            Response r = post(sealed, c[0], c[1]);
            assertThat(r.statusCode()).as("cookie %s origin %s", c[0], c[1]).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
            assertThat(r.asString()).contains("Sign-in expired");
        }
        double crossSite = given().get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith("greenshank_bridge_login_form_refusals_total{")
                        && l.contains("reason=\"cross_site\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(crossSite).isGreaterThanOrEqualTo(6);
        String sameOrigin = given().get("/.well-known/openid-configuration").jsonPath().getString("issuer");
        Response ok = post(sealed, mine, sameOrigin);
        assertThat(ok.statusCode()).as("refused posts did not spend the form").isEqualTo(303);
        assertThat(ok.header("Location")).startsWith(CB + "?code=");
    }

    @Test
    void redirectUrisMatchExactlyNeverByLookAlike() throws Exception {
        List<String[]> lookAlikes = List.of(
                new String[] {"kubectl", CB + "/"}, new String[] {"kubectl", "http://127.0.0.1:8000/Callback"},
                new String[] {"kubectl", "HTTP://127.0.0.1:8000/callback"},
                new String[] {"kubectl", "http://127.0.0.1:8000/%63allback"},
                new String[] {"kubectl", "http://127.0.0.1:8000/callback%2F..%2F..%2Fevil"},
                new String[] {"kubectl", "http://127.0.0.1.:8000/callback"},
                new String[] {"kubectl", "http://127.0.0.1:8000@evil.example.test/callback"},
                new String[] {"kubectl", "http://evil.example.test/?http://127.0.0.1:8000/callback"},
                new String[] {"kubectl", CB + "?next=https://evil.example.test"},
                new String[] {"kubectl", CB + "#frag"}, new String[] {"kubectl", " " + CB},
                new String[] {"kubectl", "http://127.0.0.1:80/callback"},
                new String[] {"webapp", "https://app.example.test./cb"},
                new String[] {"webapp", "https://APP.example.test/cb"},
                new String[] {"webapp", "https://app.example.test.evil.example/cb"},
                new String[] {"webapp", "https://app.example.test%2Eevil.example/cb"},
                new String[] {"webapp", "https://app.example.test/cb/../cb"},
                new String[] {"webapp", "https://\u0430pp.example.test/cb"},
                new String[] {"webapp", "//app.example.test/cb"},
                new String[] {"webapp", "https:app.example.test/cb"});
        for (String[] c : lookAlikes) {
            Response r = given().redirects().follow(false).queryParams(authorize(c[0], c[1], "st")).get("/authorize");
            assertThat(r.statusCode()).as("%s %s", c[0], c[1]).isEqualTo(400);
            assertThat(r.header("Location")).as("%s %s", c[0], c[1]).isNull();
            assertThat(r.asString()).contains("unregistered redirect_uri").doesNotContain(c[1].trim());
        }
        Response logout = given().redirects().follow(false).queryParam("post_logout_redirect_uri",
                "https://app.example.test/bye/").get("/logout");
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.header("Location")).isNull();
    }

    @Test
    void inputIsNeverReflectedUnescapedAndTemplatesInStateAreJustText() throws Exception {
        String evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
        for (Response r : List.of(given().queryParams(authorize(evil, CB, "st")).get("/authorize"),
                given().queryParams(authorize("kubectl", evil, "st")).get("/authorize"),
                given().queryParam("user_code", evil).get("/device"),
                given().queryParam("post_logout_redirect_uri", evil).queryParam("state", evil).get("/logout"))) {
            assertThat(r.asString()).doesNotContain("<script>").doesNotContain("<img").doesNotContain("alert(1)")
                    .doesNotContain("onerror");
        }
        String sealedState = "{x}<b>&\"{0}";
        Map<String, String> q = authorize("kubectl", CB, sealedState);
        q.put("response_type", "token");
        Response err = given().redirects().follow(false).queryParams(q).get("/authorize");
        assertThat(err.statusCode()).as("an error redirect with a template-like state").isEqualTo(303);
        assertThat(err.header("Location")).startsWith(CB + "?error=unsupported_response_type")
                .contains("state=%7Bx%7D%3Cb%3E%26%22%7B0%7D");
        String cookie = SessionKeys.random(32);
        Response page = given().cookie(BrowserBinding.COOKIE, cookie)
                .queryParams(authorize("kubectl", CB, sealedState)).get("/authorize");
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.asString());
        assertThat(m.find()).isTrue();
        Response ok = post(m.group(1), cookie, null);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.header("Location")).contains("&state=%7Bx%7D%3Cb%3E%26%22%7B0%7D&iss=");
    }
}
