package io.greenshank.identity.jwt;

import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ROCA check itself; Wycheproof's json_web_key_test.json tcId 7 is the real-key regression (WycheproofTest). */
class RocaFingerprintTest {

    static final BigInteger G = BigInteger.valueOf(65537);

    @Test
    void a_product_of_powers_of_65537_modulo_every_small_prime_matches() {
        // Such a modulus is what the flawed generator's primes multiply to, modulo each prime up to 353.
        BigInteger primorial = BigInteger.ONE;
        for (int p = 2; p <= 353; p++) {
            if (BigInteger.valueOf(p).isProbablePrime(64)) {
                primorial = primorial.multiply(BigInteger.valueOf(p));
            }
        }
        BigInteger p = primorial.multiply(BigInteger.valueOf(1_000_003)).add(G.modPow(BigInteger.valueOf(12345), primorial));
        BigInteger q = primorial.multiply(BigInteger.valueOf(7_777_777)).add(G.modPow(BigInteger.valueOf(678), primorial));
        assertThat(RocaFingerprint.matches(p.multiply(q))).isTrue();
        assertThat(RocaFingerprint.matches(p.multiply(q).add(BigInteger.TWO))).isFalse();
    }

    @Test
    void keys_from_the_jdk_generator_do_not_match_and_stay_usable() throws Exception {
        for (int i = 0; i < 3; i++) {
            RSAKey key = TestTokens.rsa("k" + i);
            assertThat(RocaFingerprint.matches(key.getModulus().decodeToBigInteger())).isFalse();
            assertThat(IssuerKeys.parse(TestTokens.jwks(key), Instant.now()).size()).isEqualTo(1);
        }
    }

    @Test
    void a_jwks_whose_only_key_is_roca_weak_has_no_usable_key_and_says_why() {
        BigInteger primorial = BigInteger.ONE;
        for (int p = 2; p <= 353; p++) {
            if (BigInteger.valueOf(p).isProbablePrime(64)) {
                primorial = primorial.multiply(BigInteger.valueOf(p));
            }
        }
        // A 2048-bit modulus with the fingerprint (not a real key: only the public check is exercised).
        BigInteger n = BigInteger.ONE.shiftLeft(2047).divide(primorial).multiply(primorial)
                .add(G.modPow(BigInteger.valueOf(99), primorial));
        assertThat(n.bitLength()).isEqualTo(2048);
        assertThat(RocaFingerprint.matches(n)).isTrue();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"roca\",\"e\":\"AQAB\",\"n\":\""
                + com.nimbusds.jose.util.Base64URL.encode(n) + "\"}]}";
        assertThatThrownBy(() -> IssuerKeys.parse(jwks, Instant.now())).isInstanceOf(JwksFetchException.class)
                .hasMessageContaining("ROCA");
    }
}
