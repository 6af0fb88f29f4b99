package io.greenshank.authz.decision;

import java.util.Objects;

/**
 * An {@link Authorizer}'s answer. The {@link Kind} decides the response, never the reason string:
 * {@link Kind#ALLOW} passes; {@link Kind#DENY} is a 403; {@link Kind#CREDENTIAL_REQUIRED} is a 401 (or the browser
 * redirect to the login URL); {@link Kind#BAD_REQUEST} is a 400.
 *
 * @param kind    what the caller is told
 * @param reason  short, low-cardinality code for metrics and the decision log (e.g. {@code authenticated},
 *                {@code public_path}, {@code no_credentials}, {@code policy_denied})
 * @param policy  the rule or policy that decided, for the decision log ({@code ns/name} for Istio policies)
 */
public record AuthorizationResult(Kind kind, String reason, String policy) {

    public enum Kind {
        /** The request may pass. */
        ALLOW,
        /** Refused by policy: 403, whether or not the caller is authenticated. */
        DENY,
        /** A user credential is required and absent (or not good enough to be judged): 401 / login redirect. */
        CREDENTIAL_REQUIRED,
        /** The request must not be judged at all (e.g. a malformed path): 400. */
        BAD_REQUEST
    }

    public AuthorizationResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(policy, "policy");
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }

    public static AuthorizationResult allow(String reason, String policy) {
        return new AuthorizationResult(Kind.ALLOW, reason, policy);
    }

    /** A policy refusal: 403. */
    public static AuthorizationResult deny(String reason, String policy) {
        return new AuthorizationResult(Kind.DENY, reason, policy);
    }

    /** The caller must authenticate first: 401, or the login redirect for a browser. */
    public static AuthorizationResult credentialRequired(String reason, String policy) {
        return new AuthorizationResult(Kind.CREDENTIAL_REQUIRED, reason, policy);
    }

    /** The request cannot be judged: 400. */
    public static AuthorizationResult badRequest(String reason) {
        return new AuthorizationResult(Kind.BAD_REQUEST, reason, "");
    }
}
