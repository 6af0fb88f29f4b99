package io.greenshank.authz.decision;

import io.greenshank.identity.Identity;

import java.util.Optional;

/**
 * The authorization stage, run after authentication on every Check. The decision core asks it whether
 * {@code identity} (empty for an anonymous caller) may make {@code request}; it never sees credentials.
 *
 * <p>To plug in a policy engine, provide an application-scoped CDI bean implementing this interface; it replaces
 * the default {@link AuthenticatedOrPublicAuthorizer}. Implementations must be thread-safe. If {@link #mayBlock()}
 * is false (the default), {@link #authorize} runs on the I/O event loop and must not block; return true to be
 * called on a worker thread instead (e.g. for a SubjectAccessReview round trip). The decision timeout
 * ({@code greenshank.authz.deny.timeout}) bounds it either way, and any exception it throws is a deny, never an allow.
 */
public interface Authorizer {

    AuthorizationResult authorize(CheckAttributes request, Optional<Identity> identity);

    default boolean mayBlock() {
        return false;
    }
}
