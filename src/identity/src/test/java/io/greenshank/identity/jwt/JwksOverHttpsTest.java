package io.greenshank.identity.jwt;

import com.nimbusds.jose.jwk.RSAKey;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.testing.oidc.IssuerServer;
import io.greenshank.testing.tls.SelfSignedTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static io.greenshank.identity.jwt.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery and JWKS over real HTTPS with a self-signed CA: per-issuer trust and a bearer token on fetches. */
class JwksOverHttpsTest {

    static final RSAKey K1 = rsa("k1");

    @TempDir
    static Path dir;
    static IssuerServer idp;
    JwtVerifier verifier;

    @BeforeAll
    static void startIdp() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).tls(SelfSignedTls.create(dir)).start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopIdp() {
        idp.close();
    }

    @AfterEach
    void stop() {
        if (verifier != null) {
            verifier.close();
        }
        idp.requireBearer(null);
    }

    TrustedIssuer issuer(KeySource source, JwksTransport transport) {
        return new TrustedIssuer(idp.issuer(), Set.of(AUDIENCE), TrustedIssuer.DEFAULT_ALGORITHMS, source,
                Duration.ofSeconds(60), UserIdMapping.KUBEFLOW_DEFAULT, JwksSettings.DEFAULT, transport);
    }

    String token(String user) {
        Map<String, Object> c = validClaims(user);
        c.put("iss", idp.issuer());
        return sign(K1, c);
    }

    static void refused(JwtVerifier v, String token, RejectReason reason) {
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    String lastError() {
        return verifier.keySets().iterator().next().lastError().orElse("");
    }

    @Test
    void discovery_and_jwks_over_https_are_trusted_with_the_issuers_ca_file() throws Exception {
        verifier = JwtVerifier.builder().issuer(issuer(KeySource.Discovery.forIssuer(idp.issuer()),
                JwksTransport.trusting(idp.caFile()))).build();
        assertThat(verifier.refreshAll()).isTrue();
        assertThat(verifier.ready()).isTrue();
        assertThat(verifier.authenticate(token("alice@example.com")).user()).isEqualTo("alice@example.com");
    }

    @Test
    void without_the_ca_file_the_self_signed_issuer_is_refused_with_an_actionable_error() {
        verifier = JwtVerifier.builder().issuer(issuer(KeySource.Discovery.forIssuer(idp.issuer()),
                JwksTransport.DEFAULT)).build();
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(verifier.ready()).isFalse();
        assertThat(lastError()).contains("TLS handshake refused").contains("configure the issuer's CA file (PEM)");
        refused(verifier, token("alice@example.com"), RejectReason.KEYS_UNAVAILABLE);
    }

    @Test
    void a_ca_file_of_another_authority_is_refused(@TempDir Path other) throws Exception {
        try (IssuerServer stranger = IssuerServer.serving(jwks(K1)).tls(SelfSignedTls.create(other)).start()) {
            verifier = JwtVerifier.builder().issuer(issuer(new KeySource.JwksUri(URI.create(idp.issuer() + "/keys")),
                    JwksTransport.trusting(stranger.caFile()))).build();
            assertThat(verifier.refreshAll()).isFalse();
            assertThat(lastError()).contains("TLS handshake refused").contains(stranger.caFile().toString());
            refused(verifier, token("alice@example.com"), RejectReason.KEYS_UNAVAILABLE);
        }
    }

    @Test
    void an_unreadable_ca_file_fails_closed() {
        Path missing = dir.resolve("no-such-ca.pem");
        verifier = JwtVerifier.builder().issuer(issuer(KeySource.Discovery.forIssuer(idp.issuer()),
                JwksTransport.trusting(missing))).build();
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(lastError()).contains("cannot read CA file").contains(missing.toString());
        refused(verifier, token("alice@example.com"), RejectReason.KEYS_UNAVAILABLE);
    }

    @Test
    void the_bearer_token_file_is_sent_re_read_on_each_fetch_and_required_by_the_server() throws Exception {
        Path tokenFile = dir.resolve("sa-token");
        Files.writeString(tokenFile, "first-token\n");
        idp.requireBearer("first-token");
        verifier = JwtVerifier.builder().issuer(issuer(new KeySource.JwksUri(URI.create(idp.issuer() + "/keys")),
                JwksTransport.trusting(idp.caFile()).withBearerTokenFile(tokenFile))).build();
        assertThat(verifier.refreshAll()).isTrue();
        assertThat(idp.lastAuthorization()).contains("Bearer first-token");
        assertThat(verifier.authenticate(token("alice@example.com")).user()).isEqualTo("alice@example.com");

        // the kubelet rotates the projected token: the next fetch sends the new one
        Files.writeString(tokenFile, "second-token");
        idp.requireBearer("second-token");
        assertThat(verifier.refreshAll()).isTrue();
        assertThat(idp.lastAuthorization()).contains("Bearer second-token");

        // a refused token is reported as such, and never appears in the error
        idp.requireBearer("something-else");
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(lastError()).contains("HTTP 401").contains("bearer token was refused").doesNotContain("second-token");
    }

    @Test
    void without_a_bearer_token_a_protected_jwks_says_so() {
        idp.requireBearer("needed");
        verifier = JwtVerifier.builder().issuer(issuer(new KeySource.JwksUri(URI.create(idp.issuer() + "/keys")),
                JwksTransport.trusting(idp.caFile()))).build();
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(lastError()).contains("HTTP 401").contains("bearer token file");
        refused(verifier, token("alice@example.com"), RejectReason.KEYS_UNAVAILABLE);
    }

    @Test
    void the_bearer_token_is_never_sent_over_plain_http() throws Exception {
        Path tokenFile = dir.resolve("sa-token-http");
        Files.writeString(tokenFile, "secret-token");
        try (IssuerServer plain = IssuerServer.serving(jwks(K1)).start()) {
            TrustedIssuer ti = new TrustedIssuer(plain.issuer(), Set.of(AUDIENCE), TrustedIssuer.DEFAULT_ALGORITHMS,
                    new KeySource.JwksUri(URI.create(plain.issuer() + "/keys")), Duration.ofSeconds(60),
                    UserIdMapping.KUBEFLOW_DEFAULT, JwksSettings.DEFAULT,
                    JwksTransport.DEFAULT.withBearerTokenFile(tokenFile));
            verifier = JwtVerifier.builder().issuer(ti).build();
            assertThat(verifier.refreshAll()).isFalse();
            assertThat(plain.jwksHits()).isZero();
            assertThat(lastError()).contains("plain HTTP").doesNotContain("secret-token");
        }
    }
}
