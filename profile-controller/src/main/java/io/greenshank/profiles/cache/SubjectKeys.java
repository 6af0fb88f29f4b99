package io.greenshank.profiles.cache;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.Locale;

/**
 * How RBAC subjects are compared: the index key {@code User:alice@example.com} / {@code Group:ml-team}, with user
 * names folded to lower case when e-mail addresses are configured to be case-insensitive (group names never are).
 */
public record SubjectKeys(boolean caseInsensitiveUsers) {

    public String userKey(String user) {
        return "User:" + normalizeUser(user);
    }

    public String groupKey(String group) {
        return "Group:" + group;
    }

    /** The key of a RoleBinding subject, or null for kinds that are not people (service accounts). */
    public String key(Subject s) {
        if (s == null || s.getName() == null) {
            return null;
        }
        return switch (s.getKind() == null ? "" : s.getKind()) {
            case "User" -> userKey(s.getName());
            case "Group" -> groupKey(s.getName());
            default -> null;
        };
    }

    public String normalizeUser(String user) {
        return caseInsensitiveUsers ? user.toLowerCase(Locale.ROOT) : user;
    }

    public boolean sameUser(String a, String b) {
        return a != null && b != null && normalizeUser(a).equals(normalizeUser(b));
    }
}
