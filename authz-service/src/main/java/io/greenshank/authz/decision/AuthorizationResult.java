package io.greenshank.authz.decision;

import java.util.Objects;

/**
 * An {@link Authorizer}'s answer.
 *
 * @param allowed whether the request may pass
 * @param reason  short, low-cardinality code for metrics and the decision log (e.g. {@code authenticated},
 *                {@code public_path}, {@code no_credentials}, {@code policy_denied})
 * @param policy  the rule or policy that decided, for the decision log ({@code ns/name} for Istio policies)
 */
public record AuthorizationResult(boolean allowed, String reason, String policy) {

    public AuthorizationResult {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(policy, "policy");
    }

    public static AuthorizationResult allow(String reason, String policy) {
        return new AuthorizationResult(true, reason, policy);
    }

    public static AuthorizationResult deny(String reason, String policy) {
        return new AuthorizationResult(false, reason, policy);
    }
}
