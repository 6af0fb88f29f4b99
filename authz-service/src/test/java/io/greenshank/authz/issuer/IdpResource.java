package io.greenshank.authz.issuer;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.greenshank.testing.oidc.IssuerServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
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

    private IssuerServer server;
    private Path dir;
    private volatile RSAKey current;
    private volatile RSAKey previous;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("idp");
            current = new RSAKeyGenerator(2048).keyID("key-1").generate();
            server = IssuerServer.serving(jwks()).jwksPath("/jwks").start();
            server.route("/control/rotate", ex -> {
                try {
                    previous = current;
                    current = new RSAKeyGenerator(2048).keyID("key-" + System.nanoTime()).generate();
                    server.setJwks(jwks());
                    writeKeys();
                    IssuerServer.respond(ex, 200, "rotated");
                } catch (Exception e) {
                    IssuerServer.respond(ex, 500, e.toString());
                }
            });
            server.route("/control/status", ex -> {
                server.setStatus(Integer.parseInt(ex.getRequestURI().getQuery().substring("code=".length())));
                IssuerServer.respond(ex, 200, "ok");
            });
            writeKeys();
            String issuer = server.issuer();
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

    private String jwks() {
        List<JWK> keys = previous == null ? List.of(current.toPublicJWK())
                : List.of(current.toPublicJWK(), previous.toPublicJWK());
        return new JWKSet(keys).toString();
    }

    private void writeKeys() throws IOException {
        Files.writeString(dir.resolve("current.json"), current.toJSONString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
