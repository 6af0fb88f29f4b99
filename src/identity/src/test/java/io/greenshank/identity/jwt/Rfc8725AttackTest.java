package io.greenshank.identity.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.greenshank.identity.jwt.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The attacks of RFC 8725 (JWT Best Current Practices) and their neighbours, each refused with its own reason. */
class Rfc8725AttackTest {

    static final RSAKey KEY = rsa("k1");
    static final RSAKey OTHER = rsa("k2");
    static final RSAKey ATTACKER = rsa("k1");
    static final JwtVerifier ONE_KEY = verifier(issuer(jwks(KEY)));
    static final JwtVerifier TWO_KEYS = verifier(issuer(jwks(KEY, OTHER)));

    static void refused(JwtVerifier v, String token, RejectReason reason) {
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static String unsigned(Map<String, Object> header, Map<String, Object> claims, String sig) {
        return b64(JSONObjectUtils.toJSONString(header)) + "." + b64(JSONObjectUtils.toJSONString(claims)) + "." + sig;
    }

    @Test
    void a_genuine_token_passes() throws Exception {
        assertThat(ONE_KEY.verify(sign(KEY, validClaims("alice@example.com"))).subject()).contains("sub-alice@example.com");
    }

    /**
     * Found by JwtCompactFuzzTest: an iat (or nbf) of 1.78e68 seconds overflowed to a date in the past, so a signed
     * token whose iat/nbf is absurdly far in the future passed. Time claims beyond year 9999, negative or not numbers
     * are refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iat", "nbf", "exp"})
    void time_claims_out_of_range_are_refused(String claim) {
        for (Object value : new Object[] {new java.math.BigDecimal("1.78e68"), Long.MAX_VALUE, 253_402_300_800L, -1L}) {
            Map<String, Object> claims = new java.util.LinkedHashMap<>(validClaims("alice"));
            claims.put(claim, value);
            refused(ONE_KEY, sign(KEY, claims), RejectReason.CLAIM_MISSING);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void sec_2_1_alg_none_in_any_case_is_refused(String alg) {
        String forged = unsigned(Map.of("alg", alg, "kid", "k1"), validClaims("mallory"), "");
        refused(ONE_KEY, forged, RejectReason.ALG_NOT_ALLOWED);
        refused(ONE_KEY, forged + "AAAA", RejectReason.ALG_NOT_ALLOWED);
    }

    @Test
    void sec_2_1_hmac_keyed_with_the_public_key_is_refused() throws Exception {
        // The classic confusion: sign HS256 with the bytes a verifier might take as the "secret".
        for (byte[] secret : List.of(KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                KEY.toRSAPublicKey().getEncoded(), KEY.getModulus().decode())) {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
                    new Payload(JSONObjectUtils.toJSONString(validClaims("mallory"))));
            jws.sign(new MACSigner(pad(secret)));
            refused(ONE_KEY, jws.serialize(), RejectReason.ALG_NOT_ALLOWED);
        }
    }

    private static byte[] pad(byte[] b) {
        return b.length >= 32 ? b : java.util.Arrays.copyOf(b, 32);
    }

    @Test
    void sec_3_1_alg_substitution_rs256_signature_presented_as_ps256_is_refused() {
        String rs = sign(KEY, validClaims("alice@example.com"));
        String[] p = rs.split("\\.");
        String header = b64("{\"alg\":\"PS256\",\"kid\":\"k1\"}");
        refused(ONE_KEY, header + "." + p[1] + "." + p[2], RejectReason.SIGNATURE_INVALID);
    }

    @Test
    void embedded_jwk_signed_by_the_attacker_is_refused() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kid", "k1");
        h.put("jwk", ATTACKER.toPublicJWK().toJSONObject());
        refused(ONE_KEY, sign(ATTACKER, h, validClaims("mallory")), RejectReason.EMBEDDED_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "x5u"})
    void remote_key_urls_are_refused(String param) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kid", "k1");
        h.put(param, "https://attacker.example/keys");
        refused(ONE_KEY, sign(ATTACKER, h, validClaims("mallory")), RejectReason.EMBEDDED_KEY);
    }

    @Test
    void x5c_chain_is_refused() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kid", "k1");
        h.put("x5c", List.of("MIIB"));
        refused(ONE_KEY, sign(ATTACKER, h, validClaims("mallory")), RejectReason.EMBEDDED_KEY);
    }

    @Test
    void signature_by_another_key_under_a_trusted_kid_is_refused() {
        refused(ONE_KEY, sign(ATTACKER, validClaims("mallory")), RejectReason.SIGNATURE_INVALID);
    }

    @Test
    void signature_stripped_is_refused() {
        String t = sign(KEY, validClaims("alice@example.com"));
        refused(ONE_KEY, t.substring(0, t.lastIndexOf('.') + 1), RejectReason.SIGNATURE_INVALID);
    }

    @Test
    void ecdsa_zero_signature_is_refused() {
        ECKey ec = ec("e1", Curve.P_256);
        JwtVerifier v = verifier(issuer(jwks(ec)));
        String t = sign(ec, validClaims("alice@example.com"));
        String zero = Base64URL.encode(new byte[64]).toString();
        refused(v, t.substring(0, t.lastIndexOf('.') + 1) + zero, RejectReason.SIGNATURE_INVALID);
    }

    @Test
    void missing_kid_with_several_keys_is_refused_but_accepted_with_one() throws Exception {
        Map<String, Object> noKid = new LinkedHashMap<>();
        refused(TWO_KEYS, sign(KEY, noKid, validClaims("alice@example.com")), RejectReason.KID_MISSING);
        assertThat(ONE_KEY.verify(sign(KEY, noKid, validClaims("alice@example.com"))).keyId()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../../dev/null", "' OR 1=1 --", "k1\u0000", "unknown"})
    void kid_injection_is_an_unknown_kid(String kid) {
        refused(ONE_KEY, sign(KEY, new LinkedHashMap<>(Map.of("kid", kid)), validClaims("x")), RejectReason.KID_UNKNOWN);
    }

    @Test
    void sec_3_8_unknown_issuer_is_refused() {
        Map<String, Object> c = validClaims("alice@example.com");
        c.put("iss", "https://evil.example");
        refused(ONE_KEY, sign(KEY, c), RejectReason.ISSUER_UNKNOWN);
    }

    @Test
    void sec_3_9_wrong_or_missing_audience_is_refused() {
        Map<String, Object> c = validClaims("alice@example.com");
        c.put("aud", List.of("other-service"));
        refused(ONE_KEY, sign(KEY, c), RejectReason.AUDIENCE_MISMATCH);
        c.remove("aud");
        refused(ONE_KEY, sign(KEY, c), RejectReason.AUDIENCE_MISMATCH);
    }

    @Test
    void audience_list_containing_ours_is_accepted() throws Exception {
        Map<String, Object> c = validClaims("alice@example.com");
        c.put("aud", List.of("other", AUDIENCE));
        assertThat(ONE_KEY.verify(sign(KEY, c)).audience()).contains(AUDIENCE);
    }

    @Test
    void expiry_and_not_before_honour_the_skew_and_nothing_more() throws Exception {
        long now = Instant.now().getEpochSecond();
        refused(ONE_KEY, sign(KEY, claims("a@x", now - 120)), RejectReason.TOKEN_EXPIRED);
        assertThat(ONE_KEY.verify(sign(KEY, claims("a@x", now - 30))).issuer()).isEqualTo(ISSUER); // within 60 s skew
        Map<String, Object> nbf = validClaims("a@x");
        nbf.put("nbf", now + 300);
        refused(ONE_KEY, sign(KEY, nbf), RejectReason.TOKEN_NOT_YET_VALID);
        Map<String, Object> iat = validClaims("a@x");
        iat.put("iat", now + 300);
        refused(ONE_KEY, sign(KEY, iat), RejectReason.TOKEN_ISSUED_IN_FUTURE);
        Map<String, Object> noExp = validClaims("a@x");
        noExp.remove("exp");
        refused(ONE_KEY, sign(KEY, noExp), RejectReason.CLAIM_MISSING);
    }

    @Test
    void wrongly_typed_registered_claims_are_refused() {
        Map<String, Object> c = validClaims("a@x");
        c.put("exp", "tomorrow");
        refused(ONE_KEY, sign(KEY, c), RejectReason.CLAIM_MISSING);
        Map<String, Object> c2 = validClaims("a@x");
        c2.put("iss", List.of(ISSUER));
        refused(ONE_KEY, sign(KEY, c2), RejectReason.CLAIM_MISSING);
    }

    @Test
    void crit_header_is_refused() {
        Map<String, Object> h = new LinkedHashMap<>(Map.of("kid", "k1", "crit", List.of("exp"), "exp", 1));
        refused(ONE_KEY, sign(KEY, h, validClaims("a@x")), RejectReason.CRIT_UNSUPPORTED);
    }

    @Test
    void key_with_declared_alg_cannot_be_used_with_another() throws Exception {
        RSAKey ps = new RSAKey.Builder(KEY).algorithm(JWSAlgorithm.PS256).build();
        JwtVerifier v = verifier(issuer(jwks(ps)));
        refused(v, sign(KEY, validClaims("a@x")), RejectReason.ALG_NOT_ALLOWED);
    }

    @Test
    void rsa_keys_shorter_than_2048_bits_are_not_loaded() throws Exception {
        RSAKey small = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("small").generate();
        JwtVerifier v = JwtVerifier.builder().issuer(issuer(jwks(small))).build();
        assertThat(v.refreshAll()).isFalse();
        assertThat(v.ready()).isFalse();
        String input = b64("{\"alg\":\"RS256\",\"kid\":\"small\"}") + "." + b64(JSONObjectUtils.toJSONString(validClaims("a@x")));
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withRSA");
        jdk.initSign(small.toRSAPrivateKey());
        jdk.update(input.getBytes(StandardCharsets.US_ASCII));
        refused(v, input + "." + Base64URL.encode(jdk.sign()), RejectReason.KEYS_UNAVAILABLE);
    }

    @Test
    void eddsa_and_es384_tokens_verify_when_allowed() throws Exception {
        TestTokens.Ed ed = ed25519("ed");
        ECKey p384 = ec("p384", Curve.P_384);
        JwtVerifier v = verifier(issuer(jwks(ed.publicJwk(), p384)));
        assertThat(v.verify(signEd25519(ed, validClaims("a@x"))).algorithm()).isEqualTo("EdDSA");
        assertThat(v.verify(sign(p384, validClaims("a@x"))).algorithm()).isEqualTo("ES384");
        JwtVerifier rsOnly = verifier(issuer(jwks(ed.publicJwk())).withAlgorithms(Set.of("RS256")));
        refused(rsOnly, signEd25519(ed, validClaims("a@x")), RejectReason.ALG_NOT_ALLOWED);
    }

    // --- bad input ---

    @Test
    void oversized_token_is_refused_before_decoding() {
        refused(ONE_KEY, "a".repeat(1_000_000) + ".b.c", RejectReason.TOKEN_TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "....", "a..c", ".b.c", "eyJ.eyJ.sig", "a b.c.d", "ä.b.c"})
    void malformed_shapes_are_refused(String token) {
        assertThatThrownBy(() -> ONE_KEY.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isIn(RejectReason.TOKEN_MALFORMED, RejectReason.SIGNATURE_INVALID));
    }

    @Test
    void jwe_is_refused() {
        refused(ONE_KEY, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", RejectReason.TOKEN_MALFORMED);
    }

    @Test
    void truncated_token_is_refused() {
        String t = sign(KEY, validClaims("alice@example.com"));
        for (int cut : new int[]{10, t.indexOf('.') + 5, t.lastIndexOf('.') - 3, t.length() - 7}) {
            assertThatThrownBy(() -> ONE_KEY.verify(t.substring(0, cut))).isInstanceOf(TokenRejectedException.class);
        }
    }

    @Test
    void non_utf8_claims_are_refused() {
        String h = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
        String p = Base64URL.encode(new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}).toString();
        refused(ONE_KEY, h + "." + p + ".AAAA", RejectReason.TOKEN_MALFORMED);
    }

    @Test
    void nested_json_bomb_in_claims_is_refused_quickly() {
        Map<String, Object> c = validClaims("a@x");
        String bomb = "[".repeat(5000) + "]".repeat(5000);
        String json = JSONObjectUtils.toJSONString(c);
        String payload = json.substring(0, json.length() - 1) + ",\"bomb\":" + bomb + "}";
        String token = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + "." + b64(payload) + ".AAAA";
        long t0 = System.nanoTime();
        refused(ONE_KEY, token, RejectReason.TOKEN_MALFORMED);
        assertThat(System.nanoTime() - t0).isLessThan(200_000_000L);
    }

    @Test
    void header_that_is_not_an_object_is_refused() {
        refused(ONE_KEY, b64("[1,2]") + "." + b64("{}") + ".AAAA", RejectReason.TOKEN_MALFORMED);
        refused(ONE_KEY, b64("{\"alg\":5}") + "." + b64("{}") + ".AAAA", RejectReason.TOKEN_MALFORMED);
        refused(ONE_KEY, b64("{\"alg\":\"RS256\",\"kid\":7}") + "." + b64("{}") + ".AAAA", RejectReason.TOKEN_MALFORMED);
    }

    @Test
    void rejection_messages_never_contain_the_token() {
        String t = sign(ATTACKER, validClaims("mallory"));
        assertThatThrownBy(() -> ONE_KEY.verify(t)).satisfies(e -> {
            assertThat(e.getMessage()).doesNotContain(t.substring(t.lastIndexOf('.') + 1));
            assertThat(e.getMessage()).doesNotContain(t.substring(0, t.indexOf('.')));
        });
    }
}
