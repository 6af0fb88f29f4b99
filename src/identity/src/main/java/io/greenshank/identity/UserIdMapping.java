package io.greenshank.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which claims name the user and their groups, and the prefix Kubeflow's {@code userid-prefix} adds.
 * The same mapping is used where tokens are minted (oidc-bridge) and where they are read (authz-service),
 * so both agree on who a token names.
 */
public record UserIdMapping(String userClaim, String userPrefix, String groupsClaim, String groupsPrefix) {

    public static final UserIdMapping KUBEFLOW_DEFAULT = new UserIdMapping("email", "", "groups", "");

    public UserIdMapping {
        Objects.requireNonNull(userClaim, "userClaim");
        Objects.requireNonNull(userPrefix, "userPrefix");
        Objects.requireNonNull(groupsClaim, "groupsClaim");
        Objects.requireNonNull(groupsPrefix, "groupsPrefix");
    }

    /** The prefixed user id, or empty when the claim is missing, blank or not a string. */
    public Optional<String> user(Map<String, ?> claims) {
        Object v = claims.get(userClaim);
        if (v instanceof String s && !s.isBlank()) {
            return Optional.of(userPrefix + s);
        }
        return Optional.empty();
    }

    /**
     * The prefixed groups. A single string is one group; non-string members are ignored rather than
     * stringified, so a crafted claim cannot invent a group name.
     */
    public List<String> groups(Map<String, ?> claims) {
        Object v = claims.get(groupsClaim);
        List<String> out = new ArrayList<>();
        if (v instanceof String s && !s.isBlank()) {
            out.add(groupsPrefix + s);
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s && !s.isBlank()) {
                    out.add(groupsPrefix + s);
                }
            }
        }
        return out;
    }
}
