package io.greenshank.profiles.authn;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * KFAM's {@code authn.jwt.<name>.ca-file} and {@code bearer-token-file}, against a real HTTPS IdP behind a private CA
 * whose JWKS needs a bearer token: with them its tokens authenticate; an issuer on the same server without them fails
 * closed, and says why (in the answer's reason, the log and the readiness data).
 */
@QuarkusTest
@TestProfile(HttpsIssuerProfile.class)
class HttpsIssuerTest {

    static String token(String issuer, String email) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(
                ConfigProvider.getConfig().getValue("test.https-idp.key-file", String.class))));
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(issuer).audience("kubeflow").subject("sub-" + email)
                .claim("email", email).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void a_token_of_an_issuer_behind_a_private_ca_is_accepted_with_its_ca_file_and_bearer_token_file()
            throws Exception {
        String issuer = ConfigProvider.getConfig().getValue("test.https-idp.url", String.class);
        given().header("Authorization", "Bearer " + token(issuer, "alice@example.com"))
                .get("/kfam/v1/role/clusteradmin?user=alice@example.com")
                .then().statusCode(200).body(containsString("false"));
        given().header("Authorization", "Bearer " + token(issuer, "alice@example.com")).get("/kfam/v1/bindings")
                .then().statusCode(200);
    }

    @Test
    void without_the_ca_file_the_issuer_fails_closed_with_a_clear_error() throws Exception {
        given().header("Authorization", "Bearer " + token(HttpsIdpResource.UNTRUSTED, "alice@example.com"))
                .get("/kfam/v1/bindings")
                .then().statusCode(401).body("error", containsString("keys_unavailable"));

        String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertThat(ready).contains("jwtKeys " + HttpsIdpResource.UNTRUSTED).contains("TLS handshake refused")
                .contains("configure the issuer's CA file (PEM)").doesNotContain(HttpsIdpResource.BEARER);
        String issuer = ConfigProvider.getConfig().getValue("test.https-idp.url", String.class);
        assertThat(ready).contains("\"jwtKeys " + issuer + "\": \"ready\"");
    }

    @Test
    void a_rotated_ca_file_and_bearer_token_file_are_picked_up_without_a_restart() throws Exception {
        var config = ConfigProvider.getConfig();
        String issuer = config.getValue("test.rotating.url", String.class);
        String readiness = "jwtKeys " + issuer;
        given().header("Authorization", "Bearer " + token(issuer, "alice@example.com")).get("/kfam/v1/bindings")
                .then().statusCode(401).body("error", containsString("keys_unavailable"));
        assertThat(readyData(readiness)).contains("TLS handshake refused");

        // the CA bundle is rotated on disk (a Secret or ConfigMap volume update)
        Path caFile = Path.of(config.getValue("test.rotating.ca-file", String.class));
        Files.copy(Path.of(config.getValue("test.rotating.right-ca", String.class)), caFile,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // now TLS is trusted, and the server refuses the stale token instead
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().header("Authorization", "Bearer " + token(issuer, "alice@example.com")).get("/kfam/v1/bindings");
            assertThat(readyData(readiness)).contains("bearer token was refused").doesNotContain("TLS handshake");
        });

        // the kubelet rotates the projected token
        Files.writeString(Path.of(config.getValue("test.rotating.token-file", String.class)),
                HttpsIdpResource.ROTATED_BEARER);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().header("Authorization", "Bearer " + token(issuer, "alice@example.com")).get("/kfam/v1/bindings")
                    .then().statusCode(200);
            assertThat(readyData(readiness)).isEqualTo("ready");
        });
    }

    /** The readiness check's data entry {@code key}, as /q/health/ready reports it. */
    static String readyData(String key) {
        java.util.List<java.util.Map<String, Object>> checks = given().get("/q/health/ready").then().extract()
                .jsonPath().getList("checks");
        return checks.stream().filter(c -> "profile-controller".equals(c.get("name")))
                .map(c -> (java.util.Map<?, ?>) c.get("data")).map(d -> String.valueOf(d.get(key)))
                .findFirst().orElse("no profile-controller check");
    }
}
