package io.greenshank.identity;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The request headers that carry an identity to upstream services: Kubeflow's {@code kubeflow-userid}
 * and {@code kubeflow-groups} by default. Header names are lower-case, as HTTP/2 and Envoy carry them.
 */
public record IdentityHeaders(String userHeader, String groupsHeader, String userPrefix) {

    public static final IdentityHeaders KUBEFLOW_DEFAULT = new IdentityHeaders("kubeflow-userid", "kubeflow-groups", "");

    public IdentityHeaders {
        userHeader = lower(userHeader, "userHeader");
        groupsHeader = lower(groupsHeader, "groupsHeader");
        Objects.requireNonNull(userPrefix, "userPrefix");
    }

    /** The names that a client must never be allowed to send upstream by itself. */
    public List<String> names() {
        return List.of(userHeader, groupsHeader);
    }

    /** The header value for the user: the configured prefix followed by the user id. */
    public String userValue(Identity identity) {
        return userPrefix + identity.user();
    }

    /**
     * Groups as one comma-separated value. A name containing a comma (it would split) or a control character (it
     * cannot travel in a header) is dropped, so what policy judges and what upstream receives are the same list.
     */
    public String groupsValue(Identity identity) {
        return String.join(",", identity.groups().stream().filter(IdentityHeaders::isHeaderSafeGroup).toList());
    }

    private static boolean isHeaderSafeGroup(String g) {
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == ',' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return !g.isEmpty();
    }

    /** Reverses {@link #userValue}: the user id in a header value, or empty when the prefix does not match. */
    public Optional<String> userFromHeader(String value) {
        if (value == null || !value.startsWith(userPrefix) || value.length() == userPrefix.length()) {
            return Optional.empty();
        }
        return Optional.of(value.substring(userPrefix.length()));
    }

    private static String lower(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
