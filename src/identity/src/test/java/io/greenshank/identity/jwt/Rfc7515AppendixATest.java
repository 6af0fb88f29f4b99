package io.greenshank.identity.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.greenshank.identity.UserIdMapping;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example signatures of RFC 7515 Appendix A, through the production verifier. */
class Rfc7515AppendixATest {

    static final String PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

    // A.1: HMAC SHA-256
    static final String A1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + PAYLOAD + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String A1_KEY = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    // A.2: RSASSA-PKCS1-v1_5 SHA-256
    static final String A2_N = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
    static final String A2_D = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
    static final String A2_SIG = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    static final String A2 = "eyJhbGciOiJSUzI1NiJ9." + PAYLOAD + "." + A2_SIG;

    // A.3: ECDSA P-256 SHA-256
    static final String A3_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    static final String A3_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    static final String A3 = "eyJhbGciOiJFUzI1NiJ9." + PAYLOAD + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    // A.5: unsecured
    static final String A5 = "eyJhbGciOiJub25lIn0." + PAYLOAD + ".";

    static final String RSA_JWK = "{\"kty\":\"RSA\",\"n\":\"" + A2_N + "\",\"e\":\"AQAB\"}";
    static final String EC_JWK = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + A3_X + "\",\"y\":\"" + A3_Y + "\"}";

    /** The RFC's tokens expire at 1300819380 (2011-03-22T18:43:00Z); verify a minute before. */
    static final Clock AT_ISSUE = Clock.fixed(Instant.ofEpochSecond(1300819320), ZoneOffset.UTC);

    static JwtVerifier verifierFor(String jwksKeys, Set<String> algs, Clock clock) {
        TrustedIssuer joe = new TrustedIssuer("joe", Set.of(), algs, new KeySource.Inline("{\"keys\":[" + jwksKeys + "]}"),
                Duration.ofSeconds(30), new UserIdMapping("iss", "", "groups", ""), JwksSettings.DEFAULT);
        JwtVerifier v = JwtVerifier.builder().issuer(joe).clock(clock).build();
        assertThat(v.refreshAll()).isTrue();
        return v;
    }

    @Test
    void a2_rs256_vector_verifies_and_yields_its_claims() throws Exception {
        VerifiedToken t = verifierFor(RSA_JWK, Set.of("RS256"), AT_ISSUE).verify(A2);
        assertThat(t.issuer()).isEqualTo("joe");
        assertThat(t.algorithm()).isEqualTo("RS256");
        assertThat(t.expiresAt()).isEqualTo(Instant.ofEpochSecond(1300819380));
        assertThat(t.claims()).containsEntry("http://example.com/is_root", true);
    }

    @Test
    void a2_private_key_reproduces_the_rfc_signature_byte_for_byte() throws Exception {
        RSAKey key = new RSAKey.Builder(new Base64URL(A2_N), new Base64URL("AQAB")).privateExponent(new Base64URL(A2_D)).build();
        String signingInput = "eyJhbGciOiJSUzI1NiJ9." + PAYLOAD;
        Base64URL sig = new RSASSASigner(key).sign(new JWSHeader(JWSAlgorithm.RS256), signingInput.getBytes(StandardCharsets.US_ASCII));
        assertThat(sig.toString()).isEqualTo(A2_SIG);
    }

    @Test
    void a2_is_refused_after_expiry_plus_skew() {
        Clock late = Clock.fixed(Instant.ofEpochSecond(1300819380 + 31), ZoneOffset.UTC);
        assertThatThrownBy(() -> verifierFor(RSA_JWK, Set.of("RS256"), late).verify(A2))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.TOKEN_EXPIRED));
    }

    @Test
    void a3_es256_vector_verifies() throws Exception {
        VerifiedToken t = verifierFor(EC_JWK, Set.of("ES256"), AT_ISSUE).verify(A3);
        assertThat(t.algorithm()).isEqualTo("ES256");
        assertThat(t.claims()).containsEntry("iss", "joe");
    }

    @Test
    void a3_with_one_flipped_signature_bit_is_refused() {
        char last = A3.charAt(A3.length() - 2);
        String tampered = A3.substring(0, A3.length() - 2) + (last == 'A' ? 'B' : 'A') + A3.charAt(A3.length() - 1);
        assertThatThrownBy(() -> verifierFor(EC_JWK, Set.of("ES256"), AT_ISSUE).verify(tampered))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.SIGNATURE_INVALID));
    }

    @Test
    void a1_hs256_vector_is_genuine_but_refused_even_with_its_key_in_the_jwks() throws Exception {
        JWSObject jws = JWSObject.parse(A1);
        assertThat(jws.verify(new MACVerifier(new Base64URL(A1_KEY).decode()))).as("the RFC vector itself is valid").isTrue();
        String oct = "{\"kty\":\"oct\",\"k\":\"" + A1_KEY + "\"}";
        assertThatThrownBy(() -> verifierFor(oct + "," + RSA_JWK, Set.of("RS256"), AT_ISSUE).verify(A1))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.ALG_NOT_ALLOWED));
    }

    @Test
    void a5_unsecured_jws_is_refused() {
        assertThatThrownBy(() -> verifierFor(RSA_JWK, Set.of("RS256"), AT_ISSUE).verify(A5))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.ALG_NOT_ALLOWED));
    }

    @Test
    void a2_token_is_refused_when_the_issuer_allows_only_es256() {
        assertThatThrownBy(() -> verifierFor(RSA_JWK + "," + EC_JWK, Set.of("ES256"), AT_ISSUE).verify(A2))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.ALG_NOT_ALLOWED));
    }
}
