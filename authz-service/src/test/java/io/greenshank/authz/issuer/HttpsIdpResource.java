package io.greenshank.authz.issuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.greenshank.testing.oidc.IssuerServer;
import io.greenshank.testing.tls.SelfSignedTls;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real IdP over HTTPS with a self-signed certificate (SAN {@code IP:127.0.0.1}), serving discovery and a JWKS that,
 * like the Kubernetes API server's {@code /openid/v1/jwks}, demands a bearer token. Configures two issuers on it:
 * {@code private} (CA file and token file set) and {@code untrusted} (neither).
 */
public class HttpsIdpResource implements QuarkusTestResourceLifecycleManager {

    static final String BEARER = "projected-sa-token-for-test";

    private IssuerServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("https-idp");
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, BEARER + "\n");

            RSAKey key = new RSAKeyGenerator(2048).keyID("https-key").generate();
            Path keyFile = dir.resolve("key.json");
            Files.writeString(keyFile, key.toJSONString());

            server = IssuerServer.serving(new JWKSet(key.toPublicJWK()).toString()).jwksPath("/openid/v1/jwks")
                    .tls(SelfSignedTls.create(dir)).start();
            server.requireBearer(BEARER);
            String base = server.issuer();

            Map<String, String> config = new HashMap<>();
            config.put("greenshank.authz.issuers.private.issuer", base);
            config.put("greenshank.authz.issuers.private.audiences", "kubeflow");
            config.put("greenshank.authz.issuers.private.ca-file", server.caFile().toString());
            config.put("greenshank.authz.issuers.private.bearer-token-file", tokenFile.toString());
            config.put("greenshank.authz.issuers.untrusted.issuer", "https://untrusted.test");
            config.put("greenshank.authz.issuers.untrusted.audiences", "kubeflow");
            config.put("greenshank.authz.issuers.untrusted.jwks-url", server.jwksUri());
            config.put("test.https-idp.url", base);
            config.put("test.https-idp.key-file", keyFile.toString());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
