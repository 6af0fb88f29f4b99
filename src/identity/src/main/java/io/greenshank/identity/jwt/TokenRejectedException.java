package io.greenshank.identity.jwt;

import java.util.Objects;

/**
 * A token was refused. Carries a {@link RejectReason} and an optional operator-facing detail; neither ever
 * contains the token or its signature. Thrown on hot paths, so it skips the stack trace.
 */
public final class TokenRejectedException extends Exception {

    private final RejectReason reason;
    private final String detail;

    public TokenRejectedException(RejectReason reason, String detail) {
        super(reason.code() + (detail == null || detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = detail == null ? "" : detail;
    }

    public TokenRejectedException(RejectReason reason) {
        this(reason, "");
    }

    public RejectReason reason() {
        return reason;
    }

    /** Operator-facing detail (e.g. the unknown issuer or kid), already bounded in length. */
    public String detail() {
        return detail;
    }
}
