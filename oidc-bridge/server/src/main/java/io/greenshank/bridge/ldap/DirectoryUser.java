package io.greenshank.bridge.ldap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A user as the directory describes them.
 *
 * @param subject  the stable, never-reassigned id: AD {@code objectGUID} (as its canonical string form) or
 *                 OpenLDAP {@code entryUUID}; becomes the token's {@code sub}. Never the login name.
 * @param username the login name ({@code uid}, {@code sAMAccountName}); becomes {@code preferred_username}
 * @param dn       the entry's distinguished name (for logs and binds; not put in tokens)
 * @param email    {@code mail}, when the entry has one
 * @param name     the display name ({@code displayName} / {@code cn}), when the entry has one
 * @param groups   group names (mapped by the configured attribute), nested groups resolved, without duplicates
 * @param status   whether the account may log in
 */
public record DirectoryUser(
        String subject,
        String username,
        String dn,
        Optional<String> email,
        Optional<String> name,
        List<String> groups,
        AccountStatus status) {

    public DirectoryUser {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(dn, "dn");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(new java.util.LinkedHashSet<>(groups));
        Objects.requireNonNull(status, "status");
    }

    public DirectoryUser withStatus(AccountStatus newStatus) {
        return new DirectoryUser(subject, username, dn, email, name, groups, newStatus);
    }
}
