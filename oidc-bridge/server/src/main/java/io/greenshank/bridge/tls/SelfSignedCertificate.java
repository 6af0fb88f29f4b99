package io.greenshank.bridge.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;

/**
 * A self-signed certificate for {@code localhost} / {@code 127.0.0.1}, written as PEM files. Encoded here with
 * {@link Der} rather than by a certificate library: see there why.
 */
public final class SelfSignedCertificate {

    public record PemPair(Path certificate, Path key) {
    }

    private SelfSignedCertificate() {
    }

    /** Reuses the pair in {@code dir} if present, so restarts keep the certificate clients may have pinned. */
    public static PemPair ensure(Path dir) throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        if (Files.exists(cert) && Files.exists(key)) {
            return new PemPair(cert, key);
        }
        Files.createDirectories(dir);
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(2048);
        KeyPair kp = kpg.generateKeyPair();
        X509Certificate c = certificate(kp, ZonedDateTime.now(ZoneOffset.UTC));
        Path tmpKey = Files.createTempFile(dir, ".tls", ".key");
        try {
            Files.setPosixFilePermissions(tmpKey, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system
        }
        Files.writeString(tmpKey, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.move(tmpKey, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII);
        return new PemPair(cert, key);
    }

    /**
     * RFC 5280's Certificate: version 3, a random positive 64-bit serial, SHA256withRSA, issuer = subject =
     * {@code CN=localhost, O=Greenshank self-signed}, valid from five minutes ago for 365 days, the subject alternative
     * names {@code localhost} and {@code 127.0.0.1}, and basic constraints (critical) saying it is no CA. Parsed back
     * by the JDK, which checks the encoding.
     */
    static X509Certificate certificate(KeyPair kp, ZonedDateTime now) throws Exception {
        byte[] sha256WithRsa = Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.nullValue());
        byte[] name = Der.sequence(
                Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8String("localhost"))),
                Der.set(Der.sequence(Der.oid("2.5.4.10"), Der.utf8String("Greenshank self-signed"))));
        byte[] subjectAltName = Der.sequence(Der.oid("2.5.29.17"), Der.octetString(Der.sequence(
                Der.implicit(2, "localhost".getBytes(StandardCharsets.US_ASCII)),
                Der.implicit(7, new byte[] {127, 0, 0, 1}))));
        byte[] basicConstraints = Der.sequence(Der.oid("2.5.29.19"), Der.bool(true),
                Der.octetString(Der.sequence()));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(64, new SecureRandom()).setBit(62)),
                sha256WithRsa,
                name,
                Der.sequence(Der.utcTime(now.minus(Duration.ofMinutes(5))), Der.utcTime(now.plusDays(365))),
                name,
                kp.getPublic().getEncoded(),
                Der.explicit(3, Der.sequence(subjectAltName, basicConstraints)));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(kp.getPrivate());
        signer.update(tbs);
        byte[] der = Der.sequence(tbs, sha256WithRsa, Der.bitString(signer.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
