package io.greenshank.identity;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes service account, and the user name and groups the API server gives it
 * ({@code system:serviceaccount:<ns>:<name>}, {@code system:serviceaccounts}, {@code system:serviceaccounts:<ns>}).
 */
public record ServiceAccountName(String namespace, String name) {

    private static final String USER_PREFIX = "system:serviceaccount:";

    public ServiceAccountName {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isEmpty() || name.isEmpty() || namespace.contains(":") || name.contains(":")) {
            throw new IllegalArgumentException("invalid service account " + namespace + "/" + name);
        }
    }

    /** Parses {@code system:serviceaccount:<ns>:<name>}; empty for any other user name. */
    public static Optional<ServiceAccountName> fromUsername(String username) {
        if (username == null || !username.startsWith(USER_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = username.substring(USER_PREFIX.length()).split(":", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServiceAccountName(parts[0], parts[1]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String username() {
        return USER_PREFIX + namespace + ":" + name;
    }

    public List<String> groups() {
        return List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
    }
}
