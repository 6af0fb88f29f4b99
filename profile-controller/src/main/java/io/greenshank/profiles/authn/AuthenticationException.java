package io.greenshank.profiles.authn;

/** The caller could not be authenticated; the message says why, without echoing credentials. */
public final class AuthenticationException extends RuntimeException {

    public AuthenticationException(String reason) {
        super(reason);
    }
}
