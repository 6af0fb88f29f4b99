package io.greenshank.authz.issuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real OIDC-style IdP over HTTP on a free port: discovery, JWKS, and control endpoints the test calls to rotate the
 * key or simulate an outage. The private keys go to a temp file the test reads (test and resource may not share
 * classes).
 */
public class IdpResource implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;
    private Path dir;
    private volatile RSAKey current;
    private volatile RSAKey previous;
    private volatile int status = 200;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("idp");
            current = new RSAKeyGenerator(2048).keyID("key-1").generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
            server.createContext("/.well-known/openid-configuration", ex ->
                    respond(ex, status, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
            server.createContext("/jwks", ex -> {
                List<com.nimbusds.jose.jwk.JWK> keys = previous == null ? List.of(current.toPublicJWK())
                        : List.of(current.toPublicJWK(), previous.toPublicJWK());
                respond(ex, status, new JWKSet(keys).toString());
            });
            server.createContext("/control/rotate", ex -> {
                try {
                    previous = current;
                    current = new RSAKeyGenerator(2048).keyID("key-" + System.nanoTime()).generate();
                    writeKeys();
                    respond(ex, 200, "rotated");
                } catch (Exception e) {
                    respond(ex, 500, e.toString());
                }
            });
            server.createContext("/control/status", ex -> {
                status = Integer.parseInt(ex.getRequestURI().getQuery().substring("code=".length()));
                respond(ex, 200, "ok");
            });
            server.start();
            writeKeys();
            return Map.of(
                    "greenshank.authz.issuers.corp.issuer", issuer,
                    "greenshank.authz.issuers.corp.audiences", "kubeflow",
                    "greenshank.authz.issuers.corp.user-prefix", "corp:",
                    "greenshank.authz.issuers.corp.unknown-kid-min-interval", "0s",
                    "test.idp.url", issuer,
                    "test.idp.key-file", dir.resolve("current.json").toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeKeys() throws IOException {
        Files.writeString(dir.resolve("current.json"), current.toJSONString());
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
