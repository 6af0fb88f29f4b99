package io.greenshank.bridge.device;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.web.BrowserBinding;
import io.greenshank.kubectl.CredentialFlow;
import io.greenshank.kubectl.IdToken;
import io.greenshank.kubectl.PluginOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kubectl plugin's credential flow against the real bridge over slapd, with no Kerberos ticket and no terminal:
 * it falls back to the device grant, tells the user where to go on stderr, and polls until the browser approves.
 */
@QuarkusTest
@TestProfile(DeviceSlapdProfile.class)
class DevicePluginEndToEndTest {

    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    CompletableFuture<IdToken> plugin(List<String> extra) throws Exception {
        Path work = Files.createTempDirectory("greenshank-device-plugin-");
        Map<String, String> env = Map.of("KRB5CCNAME", "FILE:" + work.resolve("no-ticket"), "HOME", work.toString());
        List<String> args = new java.util.ArrayList<>(List.of("--issuer", httpsRoot.toString().replaceAll("/$", ""),
                "--certificate-authority", DeviceSlapdProfile.tlsDir().resolve("tls.crt").toString(),
                "--cache-dir", work.resolve("cache").toString()));
        args.addAll(extra);
        PluginOptions options = PluginOptions.parse(args, Map.of(), env);
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new CredentialFlow(options, env, false, err).token();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** The user code the plugin printed, once it has. */
    String printedCode() throws InterruptedException {
        Pattern p = Pattern.compile("enter the code ([A-Z]{4}-[A-Z]{4})");
        for (int i = 0; i < 300; i++) {
            Matcher m = p.matcher(stderr.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the plugin printed no user code: " + stderr);
    }

    static Response browser(String userCode, Map<String, String> fields) {
        Response page = given().queryParam("user_code", userCode).get("/device");
        page.then().statusCode(200);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(page.asString());
        assertThat(m.find()).isTrue();
        return given().cookie(BrowserBinding.COOKIE, page.cookie(BrowserBinding.COOKIE))
                .formParam("user_code", userCode).formParam("csrf", m.group(1)).formParams(fields).post("/device");
    }

    @Test
    void withNoTicketAndNoTerminalThePluginSignsInWithADeviceCode() throws Exception {
        CompletableFuture<IdToken> token = plugin(List.of());
        String code = printedCode();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("/device?user_code=" + code);
        browser(code, Map.of("decision", "approve", "username", "alice", "password", "alice-secret-1"))
                .then().statusCode(200);
        IdToken id = token.get(60, TimeUnit.SECONDS);
        assertThat(id.claims().get("preferred_username")).isEqualTo("alice");
        assertThat(id.claims().get("amr")).isEqualTo(List.of("pwd"));
    }

    @Test
    void grantDeviceAndADenialEndWithTheReason() throws Exception {
        CompletableFuture<IdToken> token = plugin(List.of("--grant", "device"));
        browser(printedCode(), Map.of("decision", "deny")).then().statusCode(200);
        assertThatThrownBy(() -> token.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(CredentialFlow.NoCredential.class)
                .hasMessageContaining("denied in the browser");
    }
}
