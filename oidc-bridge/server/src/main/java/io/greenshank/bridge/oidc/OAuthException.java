package io.greenshank.bridge.oidc;

import java.util.Map;
import java.util.Objects;

/**
 * An RFC 6749 §5.2 error response. The description is shown to the client: it must not reveal whether a user
 * exists, and never contains a credential.
 */
public final class OAuthException extends Exception {

    private final String error;
    private final String description;
    private final int status;
    private final Map<String, String> headers;

    public OAuthException(String error, String description, int status, Map<String, String> headers) {
        super(error + ": " + description, null, false, false);
        this.error = Objects.requireNonNull(error);
        this.description = Objects.requireNonNull(description);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public OAuthException(String error, String description, int status) {
        this(error, description, status, Map.of());
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", description, 400);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException("invalid_grant", description, 400);
    }

    /** 401 with a Basic challenge, as RFC 6749 §5.2 asks when the client tried HTTP authentication. */
    public static OAuthException invalidClient(String description) {
        return new OAuthException("invalid_client", description, 401,
                Map.of("WWW-Authenticate", "Basic realm=\"greenshank\""));
    }

    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException("unauthorized_client", description, 400);
    }

    public static OAuthException unsupportedGrantType(String description) {
        return new OAuthException("unsupported_grant_type", description, 400);
    }

    public static OAuthException invalidScope(String description) {
        return new OAuthException("invalid_scope", description, 400);
    }

    /** The directory (or KDC) is down or slow; the client may retry. */
    public static OAuthException temporarilyUnavailable(String description) {
        return new OAuthException("temporarily_unavailable", description, 503, Map.of("Retry-After", "5"));
    }

    /**
     * The directory failed this login: {@code temporarily_unavailable} with {@code Retry-After} for an outage, but a
     * misconfiguration, which no retry cures, is a {@code server_error} without {@code Retry-After} (503, never 500:
     * the bridge itself works). The fix is in the log and readiness, not told to clients.
     */
    public static OAuthException directory(io.greenshank.bridge.ldap.DirectoryUnavailableException e) {
        if (e instanceof io.greenshank.bridge.ldap.DirectoryMisconfiguredException) {
            return new OAuthException("server_error", "login is unavailable: the identity provider's directory "
                    + "settings are wrong and an administrator must fix them (see its readiness check)", 503);
        }
        return temporarilyUnavailable("the directory is not answering; retry shortly");
    }

    /** Refresh-token or authorization-code state cannot be read or written; the store has logged why. */
    public static OAuthException sessionsUnavailable() {
        return temporarilyUnavailable("session state is not available right now; retry shortly");
    }

    /** Too many failed logins; the client should wait {@code retryAfterSeconds}. */
    public static OAuthException slowDown(long retryAfterSeconds) {
        return new OAuthException("invalid_grant", "too many failed attempts; retry later", 429,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    public String error() {
        return error;
    }

    public String description() {
        return description;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
