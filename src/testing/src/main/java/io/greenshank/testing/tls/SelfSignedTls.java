package io.greenshank.testing.tls;

import io.greenshank.testing.process.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code localhost} / {@code 127.0.0.1} made with the JDK's keytool (valid for two days),
 * for test servers: a PKCS12 key store, and the certificate as PEM for clients to trust.
 */
public record SelfSignedTls(Path keystore, Path caPem, char[] password) {

    private static final String ALIAS = "server";

    /** The key pair's algorithm. */
    public enum KeyAlgorithm {
        /** The default: the fastest handshakes. */
        EC_P256("-keyalg", "EC", "-groupname", "secp256r1"),
        /** For servers that read the key as PEM: GnuTLS (slapd) refuses the JDK's PKCS#8 EC keys. */
        RSA_2048("-keyalg", "RSA", "-keysize", "2048");

        private final List<String> keytoolArgs;

        KeyAlgorithm(String... keytoolArgs) {
            this.keytoolArgs = List.of(keytoolArgs);
        }
    }

    /** Writes {@code tls.p12} and {@code ca.pem} (EC P-256) into {@code dir}. */
    public static SelfSignedTls create(Path dir) throws IOException, InterruptedException {
        return create(dir, KeyAlgorithm.EC_P256);
    }

    /** Writes {@code tls.p12} and {@code ca.pem} into {@code dir}. */
    public static SelfSignedTls create(Path dir, KeyAlgorithm algorithm) throws IOException, InterruptedException {
        Path ks = dir.resolve("tls.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> genkeypair = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", ALIAS));
        genkeypair.addAll(algorithm.keytoolArgs);
        genkeypair.addAll(List.of("-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
        ChildProcesses.run(genkeypair, Map.of(), null);
        ChildProcesses.run(List.of(keytool, "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-file", pem.toString()), Map.of(), null);
        return new SelfSignedTls(ks, pem, "changeit".toCharArray());
    }

    /** A server-side context presenting this certificate. */
    public SSLContext serverContext() throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(), password);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), null, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /**
     * Writes the private key as unencrypted PKCS#8 PEM, readable by its owner only, for servers that take PEM files
     * (slapd's {@code TLSCertificateKeyFile}, next to {@link #caPem()} as {@code TLSCertificateFile}; slapd wants
     * {@link KeyAlgorithm#RSA_2048}).
     */
    public Path writePrivateKeyPem(Path file) throws IOException {
        Key key;
        try {
            key = load().getKey(ALIAS, password);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing more to restrict
        }
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        }
    }
}
