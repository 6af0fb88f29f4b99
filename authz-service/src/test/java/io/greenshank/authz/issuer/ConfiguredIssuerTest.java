package io.greenshank.authz.issuer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sidecar configured like production, against a real IdP over HTTP: discovery, rotation, outage, credentials. */
@QuarkusTest
@TestProfile(ConfiguredIssuerProfile.class)
class ConfiguredIssuerTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    String idp() {
        return ConfigProvider.getConfig().getValue("test.idp.url", String.class);
    }

    String token(String email, List<String> groups) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(ConfigProvider.getConfig().getValue("test.idp.key-file", String.class))));
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(idp()).audience("kubeflow").subject("sub-" + email)
                .claim("email", email).claim("groups", groups).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    HttpResponse<String> check(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "ext-authz" + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void control(String path) throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create(idp() + path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void cookie_credential_sets_configured_headers_with_prefix() throws Exception {
        HttpResponse<String> r = check("/notebooks", "Cookie", "a=b; authservice_session=" + token("alice@corp.test", List.of("ml")),
                "x-user", "mallory");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("x-user")).containsExactly("corp:alice@corp.test");
        assertThat(r.headers().firstValue("x-groups")).contains("ml");
        assertThat(r.headers().firstValue("x-envoy-auth-headers-to-remove")).contains("kubeflow-userid");
    }

    @Test
    void iap_style_header_credential_is_accepted() throws Exception {
        assertThat(check("/x", "x-goog-iap-jwt-assertion", token("bob@corp.test", List.of())).statusCode()).isEqualTo(200);
    }

    @Test
    void browser_without_credentials_is_redirected_and_api_client_gets_401() throws Exception {
        HttpResponse<String> browser = check("/pipeline/?ns=team-a", "Accept", "text/html", "x-forwarded-proto", "https");
        assertThat(browser.statusCode()).isEqualTo(302);
        String location = browser.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith("https://login.example.test/start?rd=https%3A%2F%2F" + base.getHost());
        assertThat(java.net.URLDecoder.decode(location, java.nio.charset.StandardCharsets.UTF_8)).endsWith("/pipeline/?ns=team-a");
        assertThat(check("/pipeline/", "Accept", "application/json").statusCode()).isEqualTo(401);
        assertThat(check("/static/app.js").statusCode()).isEqualTo(200);
    }

    @Test
    void rotated_key_is_picked_up_and_outage_is_survived_from_cached_keys() throws Exception {
        String before = token("carol@corp.test", List.of());
        assertThat(check("/x", "Authorization", "Bearer " + before).statusCode()).isEqualTo(200);
        control("/control/rotate");
        String after = token("carol@corp.test", List.of());
        assertThat(check("/x", "Authorization", "Bearer " + after).statusCode()).as("new kid fetched on demand").isEqualTo(200);
        control("/control/status?code=503");
        try {
            String another = token("dave@corp.test", List.of());
            assertThat(check("/x", "Authorization", "Bearer " + another).statusCode()).as("stale keys still serve").isEqualTo(200);
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        } finally {
            control("/control/status?code=200");
        }
    }

    @Test
    void dev_issuer_is_off_so_its_endpoints_are_gone() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }
}
