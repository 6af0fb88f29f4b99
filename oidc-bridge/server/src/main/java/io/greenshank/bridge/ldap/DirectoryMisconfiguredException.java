package io.greenshank.bridge.ldap;

/**
 * The directory answers, but not as configured: the service bind is refused, a base DN is absent, searches need
 * authentication or TLS. Retrying will not help; an administrator must change the settings or the directory. A
 * subclass of {@link DirectoryUnavailableException} so that every caller still fails closed; those that answer users
 * tell the two apart (a misconfiguration is not {@code temporarily_unavailable}).
 */
public final class DirectoryMisconfiguredException extends DirectoryUnavailableException {

    private final String fix;

    public DirectoryMisconfiguredException(String fix, Throwable cause) {
        super("directory misconfigured: " + fix, cause);
        this.fix = fix;
    }

    /** What is wrong and which setting to change, for logs and readiness (not for end users). */
    public String fix() {
        return fix;
    }
}
