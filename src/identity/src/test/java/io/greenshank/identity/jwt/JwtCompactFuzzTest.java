package io.greenshank.identity.jwt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the compact-JWS parser and the header/claims checks of {@link JwtVerifier}.
 *
 * <p>Input: the first byte picks the form. Even: the rest is the token text as is. Odd: the rest is
 * {@code header-json NUL claims-json}, which the target signs with the trusted key, so the fuzzer reaches the claim
 * checks behind the signature. Properties: the verifier either returns or throws {@link TokenRejectedException};
 * a token it accepts passes an independent check (JDK signature over the exact signing input, {@code alg} ES256,
 * no embedded keys or {@code crit}, {@code iss}, {@code aud}, {@code exp}/{@code nbf}/{@code iat} against the clock
 * and skew); a token over the size limit is refused as too large.
 */
class JwtCompactFuzzTest {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final long SKEW_SECONDS = 60;
    static final int MAX_LENGTH = 4096;
    private static final ECKey KEY = deterministicKey();
    private static final JwtVerifier VERIFIER = verifier();

    @FuzzTest(maxDuration = "5m")
    void verify(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String rest = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String token = (input[0] & 1) == 0 ? rest : signed(rest);
        VerifiedToken verified;
        try {
            verified = VERIFIER.verify(token);
        } catch (TokenRejectedException e) {
            if (token.length() > MAX_LENGTH) {
                assertThat(e.reason()).isEqualTo(RejectReason.TOKEN_TOO_LARGE);
            }
            return;
        }
        assertAcceptable(token);
        assertThat(verified.issuer()).isEqualTo(TestTokens.ISSUER);
    }

    /** The oracle: what a token must satisfy to be accepted, checked without the verifier's code. */
    private static void assertAcceptable(String token) throws Exception {
        assertThat(token.length()).isLessThanOrEqualTo(MAX_LENGTH);
        String[] parts = token.split("\\.", -1);
        assertThat(parts).hasSize(3);
        Map<String, Object> header = JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
        assertThat(header.get("alg")).isEqualTo("ES256");
        assertThat(header).doesNotContainKeys("jwk", "jku", "x5u", "x5c", "crit");
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(KEY.toECPublicKey());
        ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(ecdsa.verify(new Base64URL(parts[2]).decode())).as("signature").isTrue();

        Map<String, Object> claims = JSONObjectUtils.parse(new Base64URL(parts[1]).decodeToString());
        assertThat(claims.get("iss")).isEqualTo(TestTokens.ISSUER);
        Object aud = claims.get("aud");
        assertThat(aud instanceof List<?> l ? l.contains(TestTokens.AUDIENCE) : TestTokens.AUDIENCE.equals(aud))
                .as("aud names the audience").isTrue();
        long now = NOW.getEpochSecond();
        assertThat(claims.get("exp")).isInstanceOf(Number.class);
        assertThat(((Number) claims.get("exp")).longValue() + SKEW_SECONDS).isGreaterThanOrEqualTo(now);
        for (String notInFuture : List.of("nbf", "iat")) {
            if (claims.get(notInFuture) instanceof Number n) {
                assertThat(n.longValue()).as(notInFuture).isLessThanOrEqualTo(now + SKEW_SECONDS);
            }
        }
    }

    /** {@code header NUL claims}, base64url-encoded and signed ES256 with the trusted key. */
    private static String signed(String headerNulClaims) throws Exception {
        int nul = headerNulClaims.indexOf('\0');
        String header = nul < 0 ? headerNulClaims : headerNulClaims.substring(0, nul);
        String claims = nul < 0 ? "" : headerNulClaims.substring(nul + 1);
        String signingInput = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8));
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initSign(KEY.toECPrivateKey());
        ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64URL.encode(ecdsa.sign());
    }

    /** The same key on every run, so seed tokens signed once stay valid. */
    static ECKey deterministicKey() {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed("greenshank-fuzz".getBytes(StandardCharsets.US_ASCII));
            return new ECKeyGenerator(Curve.P_256).keyID("fuzz").secureRandom(seeded).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtVerifier verifier() {
        TrustedIssuer issuer = TestTokens.issuer(new JWKSet(KEY).toPublicJWKSet().toString());
        JwtVerifier v = JwtVerifier.builder().issuer(issuer).maxTokenLength(MAX_LENGTH)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        if (!v.refreshAll()) {
            throw new IllegalStateException("inline JWKS did not load");
        }
        return v;
    }
}
