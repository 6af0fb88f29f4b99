package io.greenshank.authz.sar;

/**
 * The API server's answer to a SubjectAccessReview, or a fail-closed stand-in.
 *
 * @param allowed   whether RBAC allows it
 * @param reason    the API server's reason, or why it could not be asked
 * @param cached    whether it came from the decision cache
 * @param unavailable true when the API server could not answer (error or timeout): never cached
 */
public record ReviewDecision(boolean allowed, String reason, boolean cached, boolean unavailable) {

    public static final String BACKEND_UNAVAILABLE = "authorization backend unavailable";

    ReviewDecision fromCache() {
        return new ReviewDecision(allowed, reason, true, unavailable);
    }
}
