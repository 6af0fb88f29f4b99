package io.greenshank.identity.jwt;

/**
 * Why a token was refused. {@link #code()} is short, stable and low-cardinality: use it as a metric tag and a
 * decision-log field. {@link #description()} is safe to send to the client in {@code WWW-Authenticate
 * error_description} (it never contains token material).
 */
public enum RejectReason {
    TOKEN_MALFORMED("token_malformed", "the token is not a well-formed compact JWS"),
    TOKEN_TOO_LARGE("token_too_large", "the token exceeds the size limit"),
    ALG_NOT_ALLOWED("alg_not_allowed", "the signing algorithm is not allowed"),
    EMBEDDED_KEY("embedded_key", "tokens carrying their own key (jwk, jku, x5u, x5c) are not accepted"),
    CRIT_UNSUPPORTED("crit_unsupported", "the token has critical header parameters that are not understood"),
    ISSUER_UNKNOWN("issuer_unknown", "the token issuer is not trusted"),
    KID_MISSING("kid_missing", "the token has no key id and the issuer has several keys"),
    KID_UNKNOWN("kid_unknown", "the token key id is not in the issuer key set"),
    SIGNATURE_INVALID("signature_invalid", "the token signature is invalid"),
    TOKEN_EXPIRED("token_expired", "the token has expired"),
    TOKEN_NOT_YET_VALID("token_not_yet_valid", "the token is not valid yet"),
    TOKEN_ISSUED_IN_FUTURE("token_issued_in_future", "the token was issued in the future"),
    AUDIENCE_MISMATCH("audience_mismatch", "the token audience is not accepted"),
    CLAIM_MISSING("claim_missing", "a required claim is missing or has the wrong type"),
    KEYS_UNAVAILABLE("keys_unavailable", "the issuer keys are not available"),
    USER_CLAIM_MISSING("user_claim_missing", "the token does not name a user");

    private final String code;
    private final String description;

    RejectReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** True when the fault is ours or the IdP's (not the caller's): an operator, not the user, must act. */
    public boolean isServerSide() {
        return this == KEYS_UNAVAILABLE;
    }
}
