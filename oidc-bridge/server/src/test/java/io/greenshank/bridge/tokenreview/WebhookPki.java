package io.greenshank.bridge.tokenreview;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of a cluster that uses the webhook, as PEM files in one directory: a CA that signs the bridge's
 * serving certificate (localhost / 127.0.0.1 SANs: the API server's Go TLS client refuses a CN-only certificate) and
 * the API server's client certificate ({@code CN=kube-apiserver}, clientAuth), plus a stranger's client certificate
 * from another CA.
 */
record WebhookPki(Path dir, Path ca, Path serverCert, Path serverKey, Path apiServerCert, Path apiServerKey,
                  Path strangerCert, Path strangerKey) {

    static WebhookPki create(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = ec();
        X509Certificate ca = issue("CN=greenshank-test-cluster-ca", caKeys, caKeys.getPrivate(), null, true, null,
                List.of());
        KeyPair server = ec();
        X509Certificate serverCert = issue("CN=greenshank-oidc-bridge", server, caKeys.getPrivate(), ca, false,
                KeyPurposeId.id_kp_serverAuth, List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        KeyPair apiServer = ec();
        X509Certificate apiServerCert = issue("CN=kube-apiserver", apiServer, caKeys.getPrivate(), ca, false,
                KeyPurposeId.id_kp_clientAuth, List.of());
        KeyPair otherCa = ec();
        X509Certificate other = issue("CN=someone-elses-ca", otherCa, otherCa.getPrivate(), null, true, null,
                List.of());
        KeyPair stranger = ec();
        X509Certificate strangerCert = issue("CN=kube-apiserver", stranger, otherCa.getPrivate(), other, false,
                KeyPurposeId.id_kp_clientAuth, List.of());
        return new WebhookPki(dir, write(dir.resolve("ca.crt"), ca), write(dir.resolve("tls.crt"), serverCert),
                write(dir.resolve("tls.key"), server.getPrivate()),
                write(dir.resolve("apiserver-client.crt"), apiServerCert),
                write(dir.resolve("apiserver-client.key"), apiServer.getPrivate()),
                write(dir.resolve("stranger.crt"), strangerCert), write(dir.resolve("stranger.key"), stranger.getPrivate()));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate issue(String subject, KeyPair keys, PrivateKey signer, X509Certificate issuer,
                                         boolean isCa, KeyPurposeId purpose, List<GeneralName> sans) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name(subject);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer == null ? name : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static Path write(Path file, X509Certificate cert) throws Exception {
        Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        return file;
    }

    private static Path write(Path file, PrivateKey key) throws Exception {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        return file;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
