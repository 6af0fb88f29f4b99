package io.greenshank.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.tls.SelfSignedTls;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged bridge in the prod profile never carries passwords or tokens over plain HTTP unless told to: without a
 * certificate it refuses to start, naming the settings; with one its plain port stays closed. No directory is needed:
 * the checks run before the listeners open, and liveness does not depend on LDAP.
 */
class BridgeListenersTest {

    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path work;
    private static SelfSignedTls tls;
    private static SSLContext trusting;

    @BeforeAll
    static void certificate() throws Exception {
        tls = SelfSignedTls.create(Files.createDirectories(work.resolve("tls")));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(tls.caPem())) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    private static Map<String, String> prod(int plainPort, int httpsPort) {
        Map<String, String> c = new HashMap<>();
        c.put("quarkus.http.host", "127.0.0.1");
        c.put("quarkus.http.port", String.valueOf(plainPort));
        c.put("quarkus.http.ssl-port", String.valueOf(httpsPort));
        c.put("quarkus.banner.enabled", "false");
        c.put("greenshank.bridge.issuer", "https://localhost:" + httpsPort);
        c.put("greenshank.bridge.keys.store", "file");
        c.put("greenshank.bridge.keys.file", work.resolve("keys-" + httpsPort + ".json").toString());
        // Never reached: nothing here logs in.
        c.put("greenshank.bridge.ldap.urls", "ldap://127.0.0.1:" + FreePorts.loopback());
        c.put("greenshank.bridge.ldap.allow-plain", "true");
        c.put("greenshank.bridge.ldap.user-base-dn", "dc=example,dc=test");
        return c;
    }

    private static Map<String, String> withCertificate(Map<String, String> c) {
        c.put("quarkus.http.ssl.certificate.key-store-file", tls.keystore().toString());
        c.put("quarkus.http.ssl.certificate.key-store-file-type", "PKCS12");
        c.put("quarkus.http.ssl.certificate.key-store-password", new String(tls.password()));
        return c;
    }

    private static String refusedStart(String name, Map<String, String> config) throws Exception {
        try (ServiceProcess bridge = ServiceProcess.start(name, "oidc-bridge/server", config, Map.of(),
                work.resolve("logs"))) {
            OptionalInt exit = bridge.awaitExit(START);
            assertThat(exit).as("%s must stop by itself:\n%s", name, bridge.tail()).isPresent();
            assertThat(exit.getAsInt()).as("exit status").isNotZero();
            return bridge.logText();
        }
    }

    private static void assertNothingListens(int port) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("port %d", port).isInstanceOf(ConnectException.class);
    }

    @Test
    void withoutACertificateTheProdBridgeRefusesToStartAndSaysWhichSettingToUse() throws Exception {
        int plain = FreePorts.loopback();
        String log = refusedStart("bridge-no-tls", prod(plain, FreePorts.loopback()));
        assertThat(log).contains("refusing to start", "no TLS certificate is configured",
                "quarkus.http.ssl.certificate.files", "greenshank.bridge.tls.allow-plain-http=true");
        assertThat(log).as("it stopped before listening").doesNotContain("Listening on");
    }

    @Test
    void plainHttpServesOnlyWhenExplicitlyAllowed() throws Exception {
        int plain = FreePorts.loopback();
        Map<String, String> c = prod(plain, FreePorts.loopback());
        c.put("greenshank.bridge.tls.allow-plain-http", "true");
        try (ServiceProcess bridge = ServiceProcess.start("bridge-plain-allowed", "oidc-bridge/server", c, Map.of(),
                work.resolve("logs"))) {
            bridge.awaitReady(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + plain + "/q/health/live"),
                    START);
            assertThat(bridge.logText()).contains("serving plain HTTP only");
        }
    }

    @Test
    void withACertificateOnlyHttpsListensWithoutBeingToldTo() throws Exception {
        int plain = FreePorts.loopback();
        int https = FreePorts.loopback();
        try (ServiceProcess bridge = ServiceProcess.start("bridge-tls", "oidc-bridge/server",
                withCertificate(prod(plain, https)), Map.of(), work.resolve("logs"))) {
            bridge.awaitReady(HttpClient.newBuilder().sslContext(trusting).build(),
                    URI.create("https://localhost:" + https + "/q/health/live"), START);
            assertNothingListens(plain);
        }
    }

    @Test
    void aPlainPortOpenedNextToHttpsIsRefused() throws Exception {
        Map<String, String> c = withCertificate(prod(FreePorts.loopback(), FreePorts.loopback()));
        c.put("quarkus.http.insecure-requests", "enabled");
        String log = refusedStart("bridge-tls-and-plain", c);
        assertThat(log).contains("refusing to start", "quarkus.http.insecure-requests=enabled");
    }

}
