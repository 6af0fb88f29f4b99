package io.greenshank.bridge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The certificate {@link Der} encodes, read back by the JDK's own X.509 parser (no Bouncy Castle involved). */
class SelfSignedCertificateTest {

    @Test
    void encodesAVersion3CertificateTheJdkParsesAndVerifies() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(2048);
        KeyPair kp = kpg.generateKeyPair();
        ZonedDateTime now = ZonedDateTime.of(2026, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC);

        X509Certificate c = SelfSignedCertificate.certificate(kp, now);

        c.verify(kp.getPublic());
        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("O=Greenshank self-signed,CN=localhost");
        assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
        assertThat(c.getSerialNumber().signum()).isPositive();
        assertThat(c.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)).toInstant());
        assertThat(c.getNotAfter().toInstant()).isEqualTo(now.plusDays(365).toInstant());
        assertThat(c.getPublicKey()).isEqualTo(kp.getPublic());
        assertThat(c.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"),
                List.of(7, "127.0.0.1"));
        assertThat(c.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(c.getCriticalExtensionOIDs()).containsExactly("2.5.29.19");
        assertThat(c.getNonCriticalExtensionOIDs()).containsExactly("2.5.29.17");
    }

    @Test
    void encodesLengthsAndObjectIdentifiersAsX690Says() {
        assertThat(Der.tagged(0x04, new byte[200])).startsWith(0x04, 0x81, 200);
        assertThat(Der.tagged(0x04, new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c);
        // 1.2.840.113549 from X.690's own example: 2a 86 48 86 f7 0d
        assertThat(Der.oid("1.2.840.113549")).containsExactly(0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d);
    }
}
