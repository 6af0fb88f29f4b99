package io.greenshank.profiles.sharing;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.greenshank.profiles.cache.SubjectKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names for a contributor's RoleBinding and Istio policy. KFAM's names ({@code user-a-b-x-com-clusterrole-edit})
 * collide for {@code a.b@x.com} and {@code a-b@x.com}; these keep the readable part and add a hash of the exact
 * subject, so two different people never share a name and the same person (compared as configured) always gets
 * the same one.
 */
public final class ContributorNames {

    private static final int READABLE_MAX = 40;

    private final SubjectKeys keys;

    public ContributorNames(SubjectKeys keys) {
        this.keys = keys;
    }

    public String name(Subject subject, ContributorRole role) {
        String kind = "Group".equals(subject.getKind()) ? "group" : "user";
        String readable = subject.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (readable.length() > READABLE_MAX) {
            readable = readable.substring(0, READABLE_MAX).replaceAll("-+$", "");
        }
        return kind + "-" + readable + "-clusterrole-" + role.shortName() + "-" + hash(keys.key(subject));
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
