package io.greenshank.profiles.sharing;

import io.greenshank.profiles.reconcile.ManagedNames;
import java.util.Locale;
import java.util.Optional;

/** The roles a binding can grant, by the ClusterRole Kubeflow defines for each. */
public enum ContributorRole {
    ADMIN("admin", ManagedNames.ADMIN_CLUSTER_ROLE),
    EDIT("edit", ManagedNames.EDIT_CLUSTER_ROLE),
    VIEW("view", ManagedNames.VIEW_CLUSTER_ROLE);

    private final String shortName;
    private final String clusterRole;

    ContributorRole(String shortName, String clusterRole) {
        this.shortName = shortName;
        this.clusterRole = clusterRole;
    }

    public String shortName() {
        return shortName;
    }

    public String clusterRole() {
        return clusterRole;
    }

    /** Accepts the ClusterRole name ({@code kubeflow-edit}, what the dashboard sends) or the short name. */
    public static Optional<ContributorRole> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (ContributorRole r : values()) {
            if (r.shortName.equals(n) || r.clusterRole.equals(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
