package io.greenshank.bridge.token;

import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.identity.AuthMethod;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A directory user who has just proved who they are, and how.
 *
 * @param user     the directory entry (subject, names, email, groups)
 * @param methods  how they authenticated; minted into {@code amr} via {@link AuthMethod#amr()}
 * @param authTime when they authenticated ({@code auth_time}); kept across refreshes
 */
public record AuthenticatedUser(DirectoryUser user, List<AuthMethod> methods, Instant authTime) {

    public AuthenticatedUser {
        Objects.requireNonNull(user, "user");
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("at least one authentication method");
        }
        Objects.requireNonNull(authTime, "authTime");
    }

    public static AuthenticatedUser of(DirectoryUser user, AuthMethod method, Instant authTime) {
        return new AuthenticatedUser(user, List.of(method), authTime);
    }

    /** The {@code amr} claim values, in order, without duplicates. */
    public List<String> amr() {
        return methods.stream().map(AuthMethod::amr).distinct().toList();
    }
}
