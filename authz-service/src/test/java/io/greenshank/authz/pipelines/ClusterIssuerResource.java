package io.greenshank.authz.pipelines;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The cluster's service-account token issuer as authz-service trusts it: the API server's {@code iss}, Pipelines'
 * audience, the signing key's JWKS in a file (as an operator mounts {@code /openid/v1/jwks}) and the user taken from
 * {@code sub}, which is {@code system:serviceaccount:<ns>:<name>}. The private key goes to a file the test signs with
 * (test and resource may not share classes).
 */
public class ClusterIssuerResource implements QuarkusTestResourceLifecycleManager {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String PIPELINES_AUDIENCE = "pipelines.kubeflow.org";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("sa-issuer");
            RSAKey key = new RSAKeyGenerator(2048).keyID("sa-signer").generate();
            Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
            Path signer = Files.writeString(dir.resolve("signer.json"), key.toJSONString());
            return Map.of(
                    "greenshank.authz.issuers.cluster.issuer", ISSUER,
                    "greenshank.authz.issuers.cluster.audiences", PIPELINES_AUDIENCE,
                    "greenshank.authz.issuers.cluster.jwks-file", jwks.toString(),
                    "greenshank.authz.issuers.cluster.user-claim", "sub",
                    "test.cluster.signer-file", signer.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory left behind is harmless
        }
    }
}
