package io.greenshank.authz.sar;

import io.greenshank.identity.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who a SubjectAccessReview asks about: user, groups and extra as the API server's own authenticator would have set
 * them (every authenticated caller is in {@code system:authenticated}; service accounts carry their own groups).
 */
public record ReviewSubject(String user, List<String> groups, Map<String, List<String>> extra) {

    public static final String AUTHENTICATED = "system:authenticated";

    public ReviewSubject {
        groups = List.copyOf(groups);
        extra = new TreeMap<>(extra);
    }

    public static ReviewSubject of(Identity identity) {
        List<String> groups = new ArrayList<>(identity.groups());
        io.greenshank.identity.ServiceAccountName.fromUsername(identity.user()).ifPresent(sa -> {
            for (String g : sa.groups()) {
                if (!groups.contains(g)) {
                    groups.add(g);
                }
            }
        });
        if (!groups.contains(AUTHENTICATED)) {
            groups.add(AUTHENTICATED);
        }
        return new ReviewSubject(identity.user(), groups, Map.of());
    }
}
