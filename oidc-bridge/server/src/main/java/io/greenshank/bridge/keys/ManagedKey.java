package io.greenshank.bridge.keys;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;

/**
 * A signing key and when it starts signing. It stops signing when its successor starts, and stays published
 * until the last token it signed has expired.
 */
public record ManagedKey(JWK jwk, Instant createdAt, Instant signsFrom) {
    public ManagedKey {
        Objects.requireNonNull(jwk, "jwk");
        if (!jwk.isPrivate()) {
            throw new IllegalArgumentException("a signing key needs its private part");
        }
        Objects.requireNonNull(jwk.getKeyID(), "kid");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(signsFrom, "signsFrom");
    }

    public String kid() {
        return jwk.getKeyID();
    }
}
