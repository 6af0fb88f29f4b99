package io.greenshank.bridge.ldap;

/** The directory could not answer in time (down, slow, dropped connection, misconfigured service bind). */
public class DirectoryUnavailableException extends Exception {
    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public DirectoryUnavailableException(String message) {
        super(message);
    }
}
