package io.greenshank.bridge.ldap;

import java.util.Optional;

/**
 * Where users live: LDAP, Active Directory, or the embedded demo directory.
 *
 * <p>Implementations are thread-safe and bounded by the configured timeouts: a directory that is down or slow
 * surfaces as {@link DirectoryUnavailableException} within the response timeout, never as a hang.
 */
public interface Directory {

    /**
     * Looks a user up by login name without a password, for callers that proved the user's identity otherwise
     * (a Kerberos ticket). The login is escaped per RFC 4515 before it reaches a filter; the caller must still
     * refuse an account whose {@link DirectoryUser#status()} is not {@link AccountStatus#ACTIVE}.
     *
     * @return the user, or empty when no single entry matches
     */
    Optional<DirectoryUser> findUser(String login) throws DirectoryUnavailableException;

    /**
     * Verifies a password by binding as the user found for {@code login}. An empty password is refused before
     * any bind (it would be an unauthenticated bind); locked and disabled accounts are refused.
     *
     * @return the authenticated, active user
     * @throws LoginFailedException with a reason for logs and metrics only; callers show one generic message
     */
    DirectoryUser authenticate(String login, String password)
            throws LoginFailedException, DirectoryUnavailableException;
}
