package io.greenshank.bridge.tokenreview;

/**
 * Why a TokenReview was answered {@code authenticated: false}; the metric's {@code outcome} label and the log's
 * reason. The {@link #error} is what the API server logs: actionable, and never echoing the token.
 */
public enum Refusal {
    MALFORMED_REQUEST("malformed_request", "the request body is not a TokenReview JSON object"),
    WRONG_KIND("wrong_kind", "expected kind TokenReview, apiVersion authentication.k8s.io/v1 or v1beta1"),
    TOO_LARGE("too_large", "the TokenReview request is larger than the webhook accepts"),
    MISSING_TOKEN("missing_token", "spec.token is missing or empty"),
    MALFORMED_TOKEN("malformed_token", "the token is not a signed JWT"),
    FOREIGN_ISSUER("foreign_issuer", "the token was not issued by this bridge"),
    WRONG_TYPE("wrong_type", "the token is not an ID or access token (typ JWT or at+jwt)"),
    UNKNOWN_KEY("unknown_key", "the token's signing key is not among the bridge's published keys"),
    BAD_SIGNATURE("bad_signature", "the token's signature does not verify"),
    EXPIRED("expired", "the token has expired: get a new one (kubectl-greenshank does this by itself)"),
    NOT_YET_VALID("not_yet_valid", "the token is not valid yet: check the clocks of the bridge and the API server"),
    MISSING_CLAIMS("missing_claims", "the token lacks sub, iat or exp"),
    NO_USERNAME("no_username", "the token has no verified email claim, which is the username"),
    AUDIENCE_MISMATCH("audience_mismatch",
            "the token's audience is neither among the requested audiences nor one the webhook accepts for the API server"),
    REVOKED("revoked", "the token was issued from an authorization code that was used twice, which revokes every"
            + " token issued from it: log in again"),
    REVOCATION_UNCHECKED("revocation_unchecked", "the bridge's session store did not answer, so whether the token was"
            + " revoked is unknown: retry once the bridge is ready"),
    CLIENT_NOT_ALLOWED("client_not_allowed", "the client certificate is not one the webhook accepts");

    private final String label;
    private final String error;

    Refusal(String label, String error) {
        this.label = label;
        this.error = error;
    }

    /** The metric label ({@code outcome}). */
    public String label() {
        return label;
    }

    /** The {@code status.error} the API server sees. */
    public String error() {
        return error;
    }
}
