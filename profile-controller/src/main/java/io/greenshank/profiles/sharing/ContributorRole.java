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

    /**
     * A role named in a request: the KFAM name the dashboard sends ({@code edit}) or the ClusterRole's
     * ({@code kubeflow-edit}), in any letter case.
     */
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

    /** The role a RoleBinding grants: only Kubeflow's ClusterRoles count (the built-in {@code edit} is not ours). */
    public static Optional<ContributorRole> ofClusterRole(String clusterRole) {
        for (ContributorRole r : values()) {
            if (r.clusterRole.equals(clusterRole)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
