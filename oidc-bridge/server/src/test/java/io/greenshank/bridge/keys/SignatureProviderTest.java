package io.greenshank.bridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureProviderTest {

    static final boolean ACCP_PLATFORM = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
            && System.getProperty("os.arch").matches("amd64|x86_64");

    @Test
    void autoPicksAwsLcWhereItsNativeLibraryExistsAndTheJdkElsewhere() {
        SignatureProvider p = SignatureProvider.select("auto");
        if (ACCP_PLATFORM) {
            assertThat(p.provider()).isPresent();
            assertThat(p.provider().get().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
            assertThat(p.description()).startsWith("AWS-LC through AmazonCorrettoCryptoProvider");
        } else {
            assertThat(p.provider()).isEmpty();
            assertThat(p.description()).startsWith("the JDK's providers (");
        }
    }

    @Test
    void jdkChoiceUsesTheDefaultProviders() {
        assertThat(SignatureProvider.select("jdk").provider()).isEmpty();
    }

    @Test
    void unknownChoiceIsRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> SignatureProvider.select("openssl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, accp or jdk");
    }

    /** What the fast provider signs must verify with the JDK, as relying parties (Go, Envoy, Nimbus) will. */
    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void tokensSignedThroughTheSelectedProviderVerifyWithTheJdk(String algorithm) throws Exception {
        KeyManager km = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(30),
                Duration.ofHours(6), Duration.ofMinutes(10), KeyManager.generator(algorithm),
                SignatureProvider.select("auto"));
        km.refresh();
        KeyManager.Signing s = km.signer();
        JWK published = km.publicKeys().getKeyByKeyId(s.kid());
        JWSVerifier verifier = published instanceof RSAKey rsa
                ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) published);
        for (int i = 0; i < 200; i++) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(s.algorithm()).keyID(s.kid()).type(JOSEObjectType.JWT)
                    .build(), new JWTClaimsSet.Builder().subject("alice-" + i).issuer("https://bridge.example").build());
            jwt.sign(s.signer());
            assertThat(SignedJWT.parse(jwt.serialize()).verify(verifier)).as("token %d", i).isTrue();
        }
    }
}
