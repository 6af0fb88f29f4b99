package io.greenshank.bridge.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A self-signed certificate for {@code localhost} / {@code 127.0.0.1}, written as PEM files. */
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
        X500Name name = new X500Name("CN=localhost,O=Greenshank self-signed");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate c = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
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

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
