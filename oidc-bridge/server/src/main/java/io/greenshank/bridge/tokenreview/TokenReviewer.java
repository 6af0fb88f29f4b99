package io.greenshank.bridge.tokenreview;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.oidc.CodeGrants;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.keys.KeyManager;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides a TokenReview for one of this bridge's ID or access tokens, checked against the keys the bridge publishes
 * at {@code /keys}. The user is mapped as the OIDC path maps it (docs/oidc-bridge.md, deploy/…/apiserver/): username
 * = the verified {@code email} claim, groups = {@code groups}, both with configurable prefixes that default to none.
 * Beyond the OIDC path it also answers {@code uid} = {@code sub} (stable, never the login name) and, as the API
 * server's own JWT authenticator does since 1.32, {@code extra["authentication.kubernetes.io/credential-id"]} =
 * {@code JTI=<jti>}, so audit logs can tell tokens apart.
 */
public final class TokenReviewer {

    public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
    /** How far ahead {@code iat} / {@code nbf} may be: replicas' clocks differ. Expiry gets no allowance. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"));

    private final KeyManager keys;
    private final String issuer;
    private final Set<String> clusterAudiences;
    private final String usernamePrefix;
    private final String groupsPrefix;
    private final Clock clock;
    private final Map<String, KeyVerifier> verifiers = new ConcurrentHashMap<>();

    public TokenReviewer(KeyManager keys, String issuer, List<String> clusterAudiences, String usernamePrefix,
                         String groupsPrefix, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clusterAudiences = Set.copyOf(clusterAudiences);
        this.usernamePrefix = usernamePrefix;
        this.groupsPrefix = groupsPrefix;
        this.clock = clock;
    }

    /**
     * @param requested the request's {@code spec.audiences} (the API server's own audiences for ordinary requests,
     *                  the caller's for a TokenReview created through the API); empty when the API server sets none
     */
    public Review review(String token, List<String> requested) {
        return decide(verify(token), requested);
    }

    /** The whole check of the token itself, independent of the request: what {@link VerifiedTokens} keeps. */
    Verification verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return refused(Refusal.MALFORMED_TOKEN);
        }
        JWSHeader header = jwt.getHeader();
        if (header.getType() == null || !TYPES.contains(header.getType())) {
            return refused(Refusal.WRONG_TYPE);
        }
        if (!issuer.equals(claims.getIssuer())) {
            return refused(Refusal.FOREIGN_ISSUER);
        }
        JWK key = header.getKeyID() == null ? null : keys.publicKeys().getKeyByKeyId(header.getKeyID());
        Refusal signature = verifySignature(jwt, key);
        if (signature != null) {
            return refused(signature);
        }
        if (claims.getSubject() == null || claims.getIssueTime() == null || claims.getExpirationTime() == null) {
            return refused(Refusal.MISSING_CLAIMS);
        }
        Instant now = clock.instant();
        Instant expiresAt = claims.getExpirationTime().toInstant();
        if (!now.isBefore(expiresAt)) {
            return refused(Refusal.EXPIRED);
        }
        Instant latestStart = now.plus(CLOCK_SKEW);
        if (claims.getIssueTime().toInstant().isAfter(latestStart)
                || (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(latestStart))) {
            return refused(Refusal.NOT_YET_VALID);
        }
        Object email = claims.getClaim("email");
        if (!(email instanceof String mail) || mail.isEmpty() || !Boolean.TRUE.equals(claims.getClaim("email_verified"))) {
            return refused(Refusal.NO_USERNAME);
        }
        List<String> groups;
        try {
            List<String> raw = claims.getStringListClaim("groups");
            groups = new ArrayList<>(raw == null ? 0 : raw.size());
            if (raw != null) {
                for (String g : raw) {
                    groups.add(groupsPrefix + g);
                }
            }
        } catch (ParseException e) {
            return refused(Refusal.MALFORMED_TOKEN);
        }
        Map<String, List<String>> extra = claims.getJWTID() == null ? Map.of()
                : Map.of(CREDENTIAL_ID, List.of("JTI=" + claims.getJWTID()));
        Object grant = claims.getClaim(CodeGrants.CLAIM);
        return new Verification.Verified(new ReviewedUser(usernamePrefix + mail, claims.getSubject(), groups, extra),
                claims.getAudience(), grant instanceof String g && !g.isEmpty() ? Optional.of(g) : Optional.empty(),
                expiresAt, key);
    }

    /** The answer for a verified token and the request's audiences. */
    Review decide(Verification verification, List<String> requested) {
        if (!(verification instanceof Verification.Verified v)) {
            return new Review.Refused(((Verification.Refused) verification).reason());
        }
        List<String> audiences = new ArrayList<>();
        for (String a : new LinkedHashSet<>(requested)) {
            if (v.audiences().contains(a)) {
                audiences.add(a);
            }
        }
        if (audiences.isEmpty() && v.audiences().stream().noneMatch(clusterAudiences::contains)) {
            return new Review.Refused(Refusal.AUDIENCE_MISMATCH);
        }
        return new Review.Authenticated(v.user(), audiences, v.codeGrant());
    }

    /** Whether a verification made earlier still holds now: unexpired, and its key still published unchanged. */
    boolean stillHolds(Verification.Verified v) {
        if (!clock.instant().isBefore(v.expiresAt())) {
            return false;
        }
        JWK published = keys.publicKeys().getKeyByKeyId(v.key().getKeyID());
        return published == v.key() || v.key().equals(published);
    }

    /** Null when the signature verifies with {@code jwk}, the published key the header names, of its algorithm. */
    private Refusal verifySignature(SignedJWT jwt, JWK jwk) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String kid = jwt.getHeader().getKeyID();
        if (kid == null || jwk == null) {
            return Refusal.UNKNOWN_KEY;
        }
        KeyVerifier v = verifiers.get(kid);
        if (v == null || !v.jwk().equals(jwk)) {
            try {
                v = new KeyVerifier(jwk, verifierFor(jwk));
            } catch (JOSEException e) {
                return Refusal.BAD_SIGNATURE;
            }
            if (verifiers.size() > 16) {
                verifiers.clear();
            }
            verifiers.put(kid, v);
        }
        boolean algMatchesKey = (JWSAlgorithm.RS256.equals(alg) && jwk instanceof RSAKey)
                || (JWSAlgorithm.ES256.equals(alg) && jwk instanceof ECKey);
        try {
            return algMatchesKey && v.verifier() != null && jwt.verify(v.verifier()) ? null : Refusal.BAD_SIGNATURE;
        } catch (JOSEException | RuntimeException e) {
            return Refusal.BAD_SIGNATURE;
        }
    }

    private static JWSVerifier verifierFor(JWK jwk) throws JOSEException {
        if (jwk instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        return null;
    }

    private static Verification refused(Refusal reason) {
        return new Verification.Refused(reason);
    }

    private record KeyVerifier(JWK jwk, JWSVerifier verifier) {
    }
}
