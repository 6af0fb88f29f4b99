package io.greenshank.identity.jwt;

import io.greenshank.identity.UserIdMapping;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An issuer whose tokens are accepted, and on which terms. Kubernetes service-account tokens are one more
 * issuer (its {@code iss}, the API audience, keys from the cluster's JWKS, user from {@code sub}).
 *
 * @param issuer     the exact {@code iss} value
 * @param audiences  accepted {@code aud} values; the token must name at least one. Empty means the audience is
 *                   not checked, which is only safe for an issuer that mints tokens for this service alone
 * @param algorithms the allowed JWS algorithms, a subset of {@link #SUPPORTED_ALGORITHMS}
 * @param keySource  where the public keys come from
 * @param clockSkew  tolerance applied to {@code exp}, {@code nbf} and {@code iat}; at most five minutes
 * @param mapping    which claims name the user and groups
 * @param jwks       refresh, rate-limit and staleness bounds for the key set
 * @param transport  TLS trust and credentials for fetching discovery and JWKS documents
 */
public record TrustedIssuer(String issuer, Set<String> audiences, Set<String> algorithms, KeySource keySource,
                            Duration clockSkew, UserIdMapping mapping, JwksSettings jwks, JwksTransport transport) {

    /** Asymmetric algorithms only: HMAC would make any holder of the "public" key a minter. */
    public static final Set<String> SUPPORTED_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    public static final Set<String> DEFAULT_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA");

    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    public TrustedIssuer {
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(new LinkedHashSet<>(algorithms));
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("issuer " + issuer + ": at least one algorithm must be allowed");
        }
        for (String alg : algorithms) {
            if (!SUPPORTED_ALGORITHMS.contains(alg)) {
                throw new IllegalArgumentException("issuer " + issuer + ": algorithm " + alg
                        + " is not supported; allowed: " + SUPPORTED_ALGORITHMS);
            }
        }
        Objects.requireNonNull(keySource, "keySource");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("issuer " + issuer + ": clock skew must be between 0 and "
                    + MAX_CLOCK_SKEW);
        }
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(transport, "transport");
    }

    /** An issuer fetched with the JDK trust store and no credentials. */
    public TrustedIssuer(String issuer, Set<String> audiences, Set<String> algorithms, KeySource keySource,
                         Duration clockSkew, UserIdMapping mapping, JwksSettings jwks) {
        this(issuer, audiences, algorithms, keySource, clockSkew, mapping, jwks, JwksTransport.DEFAULT);
    }

    /** An issuer with default algorithms, 60 s skew, Kubeflow's claim mapping and default JWKS settings. */
    public static TrustedIssuer of(String issuer, List<String> audiences, KeySource keySource) {
        return new TrustedIssuer(issuer, Set.copyOf(audiences), DEFAULT_ALGORITHMS, keySource, Duration.ofSeconds(60),
                UserIdMapping.KUBEFLOW_DEFAULT, JwksSettings.DEFAULT);
    }

    public TrustedIssuer withAlgorithms(Set<String> algs) {
        return new TrustedIssuer(issuer, audiences, algs, keySource, clockSkew, mapping, jwks, transport);
    }

    public TrustedIssuer withClockSkew(Duration skew) {
        return new TrustedIssuer(issuer, audiences, algorithms, keySource, skew, mapping, jwks, transport);
    }

    public TrustedIssuer withMapping(UserIdMapping m) {
        return new TrustedIssuer(issuer, audiences, algorithms, keySource, clockSkew, m, jwks, transport);
    }

    public TrustedIssuer withJwks(JwksSettings settings) {
        return new TrustedIssuer(issuer, audiences, algorithms, keySource, clockSkew, mapping, settings, transport);
    }

    public TrustedIssuer withTransport(JwksTransport t) {
        return new TrustedIssuer(issuer, audiences, algorithms, keySource, clockSkew, mapping, jwks, t);
    }
}
