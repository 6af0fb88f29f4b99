package io.greenshank.bridge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The embedded default: a generated self-signed pair served over HTTPS, trusted by a client that pins it. */
@QuarkusTest
@TestProfile(SelfSignedTlsTest.Profile.class)
class SelfSignedTlsTest {

    /** A fixed path: the profile and the test are loaded by different class loaders, so no shared temp dir. */
    static final Path DIR = Path.of("target", "self-signed-tls-test").toAbsolutePath();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.tls.self-signed", "true",
                    "greenshank.bridge.tls.self-signed-dir", DIR.toString());
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @Test
    void servesDiscoveryOverHttpsWithTheGeneratedCertificate() throws Exception {
        Path crt = DIR.resolve("tls.crt");
        assertThat(Files.getPosixFilePermissions(DIR.resolve("tls.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(crt)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .contains("localhost", "127.0.0.1");
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("bridge", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).build();
        assertThat(https.getProtocol()).isEqualTo("https");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(https.toURI()
                .resolve("/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"issuer\":\"https://localhost:" + https.getPort() + "\"");
    }

    @Test
    void thePairIsReusedNotRegenerated() throws Exception {
        byte[] before = Files.readAllBytes(DIR.resolve("tls.crt"));
        SelfSignedCertificate.ensure(DIR);
        assertThat(Files.readAllBytes(DIR.resolve("tls.crt"))).isEqualTo(before);
    }
}
