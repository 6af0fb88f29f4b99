package io.greenshank.bridge.session;

/** The store could not be read or written; the grant fails with {@code temporarily_unavailable}. */
public final class SessionStoreUnavailableException extends Exception {

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
