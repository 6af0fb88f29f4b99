package io.greenshank.authz.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.identity.jwt.JwksSettings;
import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.TrustedIssuer;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A development issuer: an RS256 key (RSA verification is the cheapest of the allowed algorithms, and what most IdPs use) generated at start-up (never persisted), trusted like any other issuer, that
 * mints tokens on request. Enabled only by {@code greenshank.authz.dev-issuer.enabled=true} (the default in the dev
 * and test profiles, never in prod unless set explicitly).
 */
public final class DevIssuer {

    public static final Duration MAX_TTL = Duration.ofHours(24);

    private final String issuer;
    private final String audience;
    private final RSAKey key;

    public DevIssuer(String issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
        try {
            this.key = new RSAKeyGenerator(2048).keyID("dev-" + UUID.randomUUID().toString().substring(0, 8)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the development key", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** The public key set, as served at {@code /dev/jwks.json}. */
    public String publicJwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    public TrustedIssuer trustedIssuer() {
        return new TrustedIssuer(issuer, Set.of(audience), Set.of("RS256"), new KeySource.Inline(publicJwks()),
                Duration.ofSeconds(60), UserIdMapping.KUBEFLOW_DEFAULT, JwksSettings.DEFAULT);
    }

    public String mint(String user, List<String> groups, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1s and " + MAX_TTL);
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(user)
                .claim("email", user).claim("groups", groups).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the development token", e);
        }
        return jwt.serialize();
    }
}
