package io.greenshank.authz.issuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real IdP over HTTPS with a self-signed certificate made by the JDK's {@code keytool} (SAN {@code IP:127.0.0.1}),
 * serving discovery and a JWKS that, like the Kubernetes API server's {@code /openid/v1/jwks}, demands a bearer token.
 * Configures two issuers on it: {@code private} (CA file and token file set) and {@code untrusted} (neither).
 */
public class HttpsIdpResource implements QuarkusTestResourceLifecycleManager {

    static final String BEARER = "projected-sa-token-for-test";
    private static final String PASS = "test-only";

    private HttpsServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("https-idp");
            Path keystore = dir.resolve("idp.p12");
            keytool("-genkeypair", "-alias", "idp", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=greenshank-test-idp", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASS, "-keypass", PASS);
            Path ca = dir.resolve("ca.pem");
            keytool("-exportcert", "-rfc", "-alias", "idp", "-keystore", keystore.toString(), "-storepass", PASS,
                    "-file", ca.toString());
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, BEARER + "\n");

            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, PASS.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASS.toCharArray());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), null, null);

            RSAKey key = new RSAKeyGenerator(2048).keyID("https-key").generate();
            Path keyFile = dir.resolve("key.json");
            Files.writeString(keyFile, key.toJSONString());

            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl));
            String base = "https://127.0.0.1:" + server.getAddress().getPort();
            server.createContext("/.well-known/openid-configuration", ex ->
                    respond(ex, 200, "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/openid/v1/jwks\"}"));
            server.createContext("/openid/v1/jwks", ex -> {
                if (!("Bearer " + BEARER).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    respond(ex, 401, "{\"kind\":\"Status\",\"code\":401}");
                    return;
                }
                respond(ex, 200, new JWKSet(key.toPublicJWK()).toString());
            });
            server.start();

            Map<String, String> config = new HashMap<>();
            config.put("greenshank.authz.issuers.private.issuer", base);
            config.put("greenshank.authz.issuers.private.audiences", "kubeflow");
            config.put("greenshank.authz.issuers.private.ca-file", ca.toString());
            config.put("greenshank.authz.issuers.private.bearer-token-file", tokenFile.toString());
            config.put("greenshank.authz.issuers.untrusted.issuer", "https://untrusted.test");
            config.put("greenshank.authz.issuers.untrusted.audiences", "kubeflow");
            config.put("greenshank.authz.issuers.untrusted.jwks-url", base + "/openid/v1/jwks");
            config.put("test.https-idp.url", base);
            config.put("test.https-idp.key-file", keyFile.toString());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
