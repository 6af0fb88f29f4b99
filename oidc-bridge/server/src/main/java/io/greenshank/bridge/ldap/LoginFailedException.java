package io.greenshank.bridge.ldap;

import java.util.Objects;

/**
 * A login was refused. The {@link Reason} is for logs and metrics; what users see never tells the reasons apart,
 * so a caller cannot learn whether an account exists. Messages never contain the password.
 */
public final class LoginFailedException extends Exception {

    public enum Reason {
        /** Nothing to look up: blank, too long or containing NUL. */
        INVALID_LOGIN,
        /** Refused before any bind: an empty password would be an unauthenticated bind. */
        EMPTY_PASSWORD,
        /** No single entry matched the login. */
        UNKNOWN_USER,
        /** The bind as the user failed (AD: {@code data 52e}). */
        BAD_CREDENTIALS,
        ACCOUNT_LOCKED,
        ACCOUNT_DISABLED
    }

    private final Reason reason;

    public LoginFailedException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }
}
