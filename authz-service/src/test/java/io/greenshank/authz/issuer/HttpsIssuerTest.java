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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code issuers.<name>.ca-file} and {@code bearer-token-file} against a real self-signed HTTPS IdP whose JWKS needs a
 * bearer token: trusted and authenticated with them; without them the issuer's tokens fail closed.
 */
@QuarkusTest
@TestProfile(HttpsIssuerProfile.class)
class HttpsIssuerTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    String token(String issuer, String email) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(
                ConfigProvider.getConfig().getValue("test.https-idp.key-file", String.class))));
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(issuer).audience("kubeflow").subject("sub-" + email)
                .claim("email", email).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    HttpResponse<String> check(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/notebooks"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issuer_with_ca_file_and_bearer_token_file_is_trusted() throws Exception {
        String iss = ConfigProvider.getConfig().getValue("test.https-idp.url", String.class);
        HttpResponse<String> r = check(token(iss, "alice@example.com"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("kubeflow-userid")).contains("alice@example.com");
    }

    @Test
    void issuer_without_ca_file_fails_closed_with_keys_unavailable_and_says_why() throws Exception {
        HttpResponse<String> r = check(token("https://untrusted.test", "alice@example.com"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("x-greenshank-reason")).contains("keys_unavailable");
        assertThat(r.headers().firstValue("kubeflow-userid")).isEmpty();

        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("https://untrusted.test").contains("TLS handshake refused")
                .contains("configure the issuer's CA file (PEM)").doesNotContain(HttpsIdpResource.BEARER);
    }
}
