package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.testing.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decision without HTTP: mapping, audiences, and every refusal. */
class TokenReviewerTest {

    static final String ISSUER = "https://bridge.example.com";

    MutableClock clock;
    KeyManager keys;
    TokenReviewer reviewer;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        keys = new KeyManager(new MemoryKeyRingStore(), clock, Duration.ofDays(7), Duration.ofDays(1),
                Duration.ofMinutes(10), KeyManager.generator("ES256"));
        keys.refresh();
        reviewer = new TokenReviewer(keys, ISSUER, List.of("kubectl"), "", "", clock);
    }

    JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("5f1c0b8e-uuid").audience(List.of("kubectl", "kubeflow"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).jwtID("jti-1")
                .claim("email", "alice@example.com").claim("email_verified", true)
                .claim("preferred_username", "alice").claim("groups", List.of("ml-engineers", "platform-users"));
    }

    String sign(JWTClaimsSet c, JOSEObjectType type) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(keys.signer().algorithm()).keyID(keys.signer().kid())
                .type(type).build(), c);
        jwt.sign(keys.signer().signer());
        return jwt.serialize();
    }

    String sign(JWTClaimsSet c) throws Exception {
        return sign(c, JOSEObjectType.JWT);
    }

    Refusal refusal(Review r) {
        assertThat(r).isInstanceOf(Review.Refused.class);
        return ((Review.Refused) r).reason();
    }

    @Test
    void mapsAsTheOidcPathDoes() throws Exception {
        Review r = reviewer.review(sign(claims().build()), List.of());
        assertThat(r).isEqualTo(new Review.Authenticated(new ReviewedUser("alice@example.com", "5f1c0b8e-uuid",
                List.of("ml-engineers", "platform-users"),
                java.util.Map.of(TokenReviewer.CREDENTIAL_ID, List.of("JTI=jti-1"))), List.of()));
        assertThat(reviewer.review(sign(claims().build(), new JOSEObjectType("at+jwt")), List.of()))
                .isInstanceOf(Review.Authenticated.class);
    }

    @Test
    void prefixesWhenConfigured() throws Exception {
        TokenReviewer prefixed = new TokenReviewer(keys, ISSUER, List.of("kubectl"), "oidc:", "oidc:", clock);
        ReviewedUser u = ((Review.Authenticated) prefixed.review(sign(claims().build()), List.of())).user();
        assertThat(u.username()).isEqualTo("oidc:alice@example.com");
        assertThat(u.groups()).containsExactly("oidc:ml-engineers", "oidc:platform-users");
    }

    @Test
    void noGroupsAndNoJtiGiveEmptyGroupsAndNoExtra() throws Exception {
        ReviewedUser u = ((Review.Authenticated) reviewer.review(
                sign(claims().claim("groups", null).jwtID(null).build()), List.of())).user();
        assertThat(u.groups()).isEmpty();
        assertThat(u.extra()).isEmpty();
    }

    @Test
    void audiences() throws Exception {
        String token = sign(claims().build());
        assertThat(((Review.Authenticated) reviewer.review(token, List.of("vault", "kubeflow", "kubectl"))).audiences())
                .as("the requested audiences the token has, in the request's order").containsExactly("kubeflow", "kubectl");
        assertThat(((Review.Authenticated) reviewer.review(token, List.of("https://kubernetes.default.svc")))
                .audiences()).as("a cluster token: left to the API server's own audiences").isEmpty();
        String grafana = sign(claims().audience("grafana").build());
        assertThat(refusal(reviewer.review(grafana, List.of("https://kubernetes.default.svc"))))
                .isEqualTo(Refusal.AUDIENCE_MISMATCH);
        assertThat(refusal(reviewer.review(grafana, List.of()))).isEqualTo(Refusal.AUDIENCE_MISMATCH);
        assertThat(((Review.Authenticated) reviewer.review(grafana, List.of("grafana"))).audiences())
                .containsExactly("grafana");
    }

    @Test
    void expiryHasNoAllowanceButIssueTimeHasOneMinute() throws Exception {
        String token = sign(claims().build());
        clock.advance(Duration.ofSeconds(599));
        assertThat(reviewer.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(refusal(reviewer.review(token, List.of()))).isEqualTo(Refusal.EXPIRED);
        Instant now = clock.instant();
        assertThat(reviewer.review(sign(claims().issueTime(Date.from(now.plusSeconds(60))).build()), List.of()))
                .isInstanceOf(Review.Authenticated.class);
        assertThat(refusal(reviewer.review(sign(claims().issueTime(Date.from(now.plusSeconds(61))).build()),
                List.of()))).isEqualTo(Refusal.NOT_YET_VALID);
        assertThat(refusal(reviewer.review(sign(claims().notBeforeTime(Date.from(now.plusSeconds(120))).build()),
                List.of()))).isEqualTo(Refusal.NOT_YET_VALID);
    }

    @Test
    void refusals() throws Exception {
        assertThat(refusal(reviewer.review("", List.of()))).isEqualTo(Refusal.MALFORMED_TOKEN);
        assertThat(refusal(reviewer.review("a.b.c", List.of()))).isEqualTo(Refusal.MALFORMED_TOKEN);
        assertThat(refusal(reviewer.review(new PlainJWT(claims().build()).serialize(), List.of())))
                .isEqualTo(Refusal.MALFORMED_TOKEN);
        assertThat(refusal(reviewer.review(sign(claims().issuer("https://evil.example.com").build()), List.of())))
                .isEqualTo(Refusal.FOREIGN_ISSUER);
        assertThat(refusal(reviewer.review(sign(claims().build(), new JOSEObjectType("greenshank-authz-request+jwt")),
                List.of()))).isEqualTo(Refusal.WRONG_TYPE);
        assertThat(refusal(reviewer.review(sign(claims().subject(null).build()), List.of())))
                .isEqualTo(Refusal.MISSING_CLAIMS);
        assertThat(refusal(reviewer.review(sign(claims().expirationTime(null).build()), List.of())))
                .isEqualTo(Refusal.MISSING_CLAIMS);
        assertThat(refusal(reviewer.review(sign(claims().claim("email", null).build()), List.of())))
                .isEqualTo(Refusal.NO_USERNAME);
        assertThat(refusal(reviewer.review(sign(claims().claim("email_verified", "true").build()), List.of())))
                .as("a string is not the boolean true").isEqualTo(Refusal.NO_USERNAME);
        assertThat(refusal(reviewer.review(sign(claims().claim("groups", "admins").build()), List.of())))
                .isEqualTo(Refusal.MALFORMED_TOKEN);

        // HS256 keyed with anything, under our kid: never accepted.
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.signer().kid())
                .type(JOSEObjectType.JWT).build(), claims().build());
        hs.sign(new MACSigner(new byte[32]));
        assertThat(refusal(reviewer.review(hs.serialize(), List.of()))).isEqualTo(Refusal.BAD_SIGNATURE);

        String good = sign(claims().build());
        String[] parts = good.split("\\.");
        String flipped = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertThat(refusal(reviewer.review(flipped, List.of()))).isEqualTo(Refusal.BAD_SIGNATURE);

        KeyManager other = new KeyManager(new MemoryKeyRingStore(), clock, Duration.ofDays(7), Duration.ofDays(1),
                Duration.ofMinutes(10), KeyManager.generator("ES256"));
        other.refresh();
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(other.signer().kid())
                .type(JOSEObjectType.JWT).build(), claims().build());
        foreign.sign(other.signer().signer());
        assertThat(refusal(reviewer.review(foreign.serialize(), List.of()))).isEqualTo(Refusal.UNKNOWN_KEY);
        SignedJWT underOurKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.signer().kid())
                .type(JOSEObjectType.JWT).build(), claims().build());
        underOurKid.sign(other.signer().signer());
        assertThat(refusal(reviewer.review(underOurKid.serialize(), List.of()))).isEqualTo(Refusal.BAD_SIGNATURE);
        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                claims().build());
        noKid.sign(keys.signer().signer());
        assertThat(refusal(reviewer.review(noKid.serialize(), List.of()))).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void aRetiredKeyStopsVerifyingOnceUnpublished() throws Exception {
        String token = sign(claims().expirationTime(Date.from(clock.instant().plus(Duration.ofDays(30)))).build());
        assertThat(reviewer.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
        // Rotate twice past the retention: the first key leaves the published set.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofDays(7));
            keys.refresh();
        }
        assertThat(refusal(reviewer.review(token, List.of()))).isEqualTo(Refusal.UNKNOWN_KEY);
    }
}
