package io.greenshank.testing.oidc;

import java.time.Instant;
import java.util.Map;

/**
 * The claims of a projected service-account token as the kubelet mounts it for
 * {@code serviceAccountToken: {audience: …}}: the API server's issuer, the requested audience, {@code sub}
 * {@code system:serviceaccount:<ns>:<name>} and the {@code kubernetes.io} claim binding it to the account and the
 * pod (kubernetes {@code pkg/serviceaccount/claims.go}, {@code privateClaims}). Plain JDK values, so any JWT library
 * can sign them (nimbus: {@code JWTClaimsSet.parse(claims)}).
 */
public final class ServiceAccountTokenClaims {

    private ServiceAccountTokenClaims() {
    }

    /** Claims valid from now for an hour, for a pod named {@code notebook-0}. */
    public static Map<String, Object> of(String issuer, String audience, String namespace, String serviceAccount) {
        long now = Instant.now().getEpochSecond();
        return Map.of(
                "iss", issuer,
                "aud", audience,
                "sub", "system:serviceaccount:" + namespace + ":" + serviceAccount,
                "kubernetes.io", Map.of("namespace", namespace,
                        "serviceaccount", Map.of("name", serviceAccount, "uid", "uid-" + serviceAccount),
                        "pod", Map.of("name", "notebook-0", "uid", "uid-pod")),
                "iat", now,
                "nbf", now,
                "exp", now + 3600);
    }
}
