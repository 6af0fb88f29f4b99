package io.greenshank.authz.decision;

import java.net.URI;
import java.util.Optional;

/**
 * How denials are phrased.
 *
 * @param loginUrl    where browsers without valid credentials go (302); 401 when empty
 * @param returnParam the query parameter carrying the original URL to the login page
 * @param errorStatus status for internal errors, timeouts and unavailable keys (503 or 403)
 * @param realm       the {@code WWW-Authenticate} realm
 */
public record DenyPolicy(Optional<URI> loginUrl, String returnParam, int errorStatus, String realm) {

    public DenyPolicy {
        if (errorStatus != 503 && errorStatus != 403) {
            throw new IllegalArgumentException("greenshank.authz.deny.error-status must be 503 or 403, was " + errorStatus);
        }
        if (realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("realm must not contain quotes or backslashes");
        }
    }
}
