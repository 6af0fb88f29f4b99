package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache answers exactly as the uncached check would: it ends an entry at the token's exp and when
 * the key that verified it is no longer published, keeps no refusal, decides audiences per request, and stays bounded.
 */
class VerifiedTokensTest {

    final TokenReviewerTest keysAndTokens = new TokenReviewerTest();
    VerifiedTokens cache;

    @BeforeEach
    void setUp() throws Exception {
        keysAndTokens.setUp();
        cache = new VerifiedTokens(keysAndTokens.reviewer, 100);
    }

    String token(JWTClaimsSet.Builder claims) throws Exception {
        return keysAndTokens.sign(claims.build(), JOSEObjectType.JWT);
    }

    Refusal refusal(Review r) {
        return keysAndTokens.refusal(r);
    }

    @Test
    void aRepeatedTokenGetsTheUncachedAnswerFromOneEntry() throws Exception {
        String token = token(keysAndTokens.claims());
        Review uncached = keysAndTokens.reviewer.review(token, List.of("kubeflow"));
        assertThat(uncached).isInstanceOf(Review.Authenticated.class);
        for (int i = 0; i < 3; i++) {
            assertThat(cache.review(token, List.of("kubeflow"))).isEqualTo(uncached);
        }
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void audiencesAreDecidedForEachRequestNotCached() throws Exception {
        String both = token(keysAndTokens.claims());
        assertThat(((Review.Authenticated) cache.review(both, List.of("kubeflow"))).audiences())
                .containsExactly("kubeflow");
        assertThat(((Review.Authenticated) cache.review(both, List.of("other"))).audiences())
                .as("a cluster audience: valid for the API server itself").isEmpty();
        String kubeflowOnly = token(keysAndTokens.claims().audience("kubeflow"));
        assertThat(cache.review(kubeflowOnly, List.of("kubeflow"))).isInstanceOf(Review.Authenticated.class);
        assertThat(refusal(cache.review(kubeflowOnly, List.of("other")))).isEqualTo(Refusal.AUDIENCE_MISMATCH);
    }

    @Test
    void anEntryEndsAtTheTokensExpiry() throws Exception {
        String token = token(keysAndTokens.claims());
        assertThat(cache.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
        keysAndTokens.clock.advance(Duration.ofSeconds(599));
        assertThat(cache.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
        keysAndTokens.clock.advance(Duration.ofSeconds(1));
        assertThat(refusal(cache.review(token, List.of()))).isEqualTo(Refusal.EXPIRED);
        assertThat(cache.size()).as("the expired entry is dropped").isZero();
    }

    @Test
    void anEntryEndsWhenItsKeyIsNoLongerPublished() throws Exception {
        Instant now = keysAndTokens.clock.instant();
        String kid = keysAndTokens.keys.signer().kid();
        String longLived = token(keysAndTokens.claims().expirationTime(Date.from(now.plus(Duration.ofDays(60)))));
        assertThat(cache.review(longLived, List.of())).isInstanceOf(Review.Authenticated.class);
        for (int i = 0; i < 4; i++) {
            keysAndTokens.clock.advance(Duration.ofDays(5));
            keysAndTokens.keys.refresh();
        }
        assertThat(keysAndTokens.keys.publicKeys().getKeyByKeyId(kid)).as("rotated out of the JWKS").isNull();
        assertThat(refusal(cache.review(longLived, List.of()))).isEqualTo(Refusal.UNKNOWN_KEY);
        assertThat(cache.size()).isZero();
    }

    @Test
    void refusalsAreNeverKept() throws Exception {
        assertThat(refusal(cache.review("not-a-jwt", List.of()))).isEqualTo(Refusal.MALFORMED_TOKEN);
        assertThat(refusal(cache.review(token(keysAndTokens.claims().issuer("https://elsewhere")), List.of())))
                .isEqualTo(Refusal.FOREIGN_ISSUER);
        Instant later = keysAndTokens.clock.instant().plus(Duration.ofMinutes(5));
        String notYet = token(keysAndTokens.claims().issueTime(Date.from(later)));
        assertThat(refusal(cache.review(notYet, List.of()))).isEqualTo(Refusal.NOT_YET_VALID);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aForgottenTokenIsCheckedAgain() throws Exception {
        String token = token(keysAndTokens.claims());
        cache.review(token, List.of());
        cache.forget(token);
        assertThat(cache.size()).isZero();
        assertThat(cache.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
    }

    @Test
    void staysWithinItsBoundUnderManyDistinctTokens() throws Exception {
        VerifiedTokens small = new VerifiedTokens(keysAndTokens.reviewer, 3);
        for (int i = 0; i < 10; i++) {
            String token = token(keysAndTokens.claims().jwtID("jti-" + i));
            assertThat(small.review(token, List.of())).isInstanceOf(Review.Authenticated.class);
            assertThat(small.size()).isBetween(1, 3);
        }
    }

    @Test
    void tokensThatDifferAnywhereAreDifferentEntries() throws Exception {
        String token = token(keysAndTokens.claims());
        cache.review(token, List.of());
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(refusal(cache.review(tampered, List.of()))).isIn(Refusal.BAD_SIGNATURE, Refusal.MALFORMED_TOKEN);
        assertThat(cache.size()).isEqualTo(1);
    }
}
