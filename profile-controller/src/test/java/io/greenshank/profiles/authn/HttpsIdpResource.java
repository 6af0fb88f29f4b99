package io.greenshank.profiles.authn;

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
 * A real IdP over HTTPS behind a private CA (a self-signed certificate, SAN {@code IP:127.0.0.1}), serving discovery
 * and a JWKS that demands a bearer token, as the Kubernetes API server's {@code /openid/v1/jwks} does. Configures two
 * KFAM issuers on it: {@code private} (discovery, {@code ca-file} and {@code bearer-token-file}) and {@code untrusted}
 * (its JWKS URL, neither).
 */
public class HttpsIdpResource implements QuarkusTestResourceLifecycleManager {

    static final String BEARER = "projected-sa-token-for-kfam-test";
    static final String UNTRUSTED = "https://untrusted.test";

    static final String ROTATED_BEARER = "rotated-projected-sa-token";

    private IssuerServer server;
    private IssuerServer rotating;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("kfam-https-idp");
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, BEARER + "\n");
            RSAKey key = new RSAKeyGenerator(2048).keyID("kfam-https-key").generate();
            Path keyFile = dir.resolve("key.json");
            Files.writeString(keyFile, key.toJSONString());

            server = IssuerServer.serving(new JWKSet(key.toPublicJWK()).toString()).jwksPath("/openid/v1/jwks")
                    .tls(SelfSignedTls.create(dir)).start();
            server.requireBearer(BEARER);

            Map<String, String> config = new HashMap<>();
            String p = "greenshank.profiles.authn.jwt.";
            config.put(p + "private.issuer", server.issuer());
            config.put(p + "private.audiences", "kubeflow");
            config.put(p + "private.discovery", "true");
            config.put(p + "private.ca-file", server.caFile().toString());
            config.put(p + "private.bearer-token-file", tokenFile.toString());
            config.put(p + "untrusted.issuer", UNTRUSTED);
            config.put(p + "untrusted.audiences", "kubeflow");
            config.put(p + "untrusted.jwks-uri", server.jwksUri());
            // "rotating": its CA file first holds another authority's certificate and its token file a token the
            // server refuses; HttpsIssuerTest rewrites both on disk and the running service picks them up.
            Path rotDir = Files.createDirectories(dir.resolve("rotating"));
            rotating = IssuerServer.serving(new JWKSet(key.toPublicJWK()).toString()).jwksPath("/openid/v1/jwks")
                    .tls(SelfSignedTls.create(rotDir)).start();
            rotating.requireBearer(ROTATED_BEARER);
            Path rotCa = dir.resolve("rotating-ca.pem");
            Files.copy(server.caFile(), rotCa);
            Path rotToken = dir.resolve("rotating-token");
            Files.writeString(rotToken, "expired-projected-sa-token\n");
            config.put(p + "rotating.issuer", rotating.issuer());
            config.put(p + "rotating.audiences", "kubeflow");
            config.put(p + "rotating.jwks-uri", rotating.jwksUri());
            config.put(p + "rotating.ca-file", rotCa.toString());
            config.put(p + "rotating.bearer-token-file", rotToken.toString());
            config.put("test.rotating.url", rotating.issuer());
            config.put("test.rotating.ca-file", rotCa.toString());
            config.put("test.rotating.right-ca", rotating.caFile().toString());
            config.put("test.rotating.token-file", rotToken.toString());
            config.put("test.https-idp.url", server.issuer());
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
        if (rotating != null) {
            rotating.close();
        }
    }
}
