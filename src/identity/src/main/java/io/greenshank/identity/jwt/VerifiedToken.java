package io.greenshank.identity.jwt;

import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.ServiceAccountName;
import io.greenshank.identity.UserIdMapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A token whose signature, issuer, audience and validity window have been checked.
 *
 * @param claims the full claim set as JSON values (numbers for dates); null-valued claims are dropped
 */
public record VerifiedToken(String issuer, Optional<String> subject, Set<String> audience, Instant expiresAt,
                            Optional<Instant> issuedAt, String algorithm, Optional<String> keyId,
                            Map<String, Object> claims, UserIdMapping mapping) {

    public VerifiedToken {
        audience = Set.copyOf(audience);
        claims = Map.copyOf(claims);
    }

    /**
     * The caller this token names, by the issuer's {@link UserIdMapping}. A Kubernetes service-account user
     * ({@code system:serviceaccount:<ns>:<sa>}) also gets the groups the API server gives it.
     */
    public Identity identity() throws TokenRejectedException {
        String user = mapping.user(claims).orElseThrow(() ->
                new TokenRejectedException(RejectReason.USER_CLAIM_MISSING, "claim " + mapping.userClaim()));
        List<String> groups = new ArrayList<>(mapping.groups(claims));
        ServiceAccountName.fromUsername(user).ifPresent(sa -> groups.addAll(sa.groups()));
        return new Identity(user, groups, Optional.of(issuer), subject, Optional.empty(), AuthMethod.JWT, claims,
                Optional.of(expiresAt));
    }
}
