package io.greenshank.profiles.sharing;

import java.util.Set;

/**
 * @param clusterAdmins        users who may manage every profile
 * @param clusterAdminGroups   groups whose members may manage every profile
 * @param subjectAccessReview  whether anyone Kubernetes RBAC lets create RoleBindings in a namespace may also
 *                             manage its contributors (asked with a SubjectAccessReview)
 */
public record SharingSettings(Set<String> clusterAdmins, Set<String> clusterAdminGroups, boolean subjectAccessReview) {

    public SharingSettings {
        clusterAdmins = Set.copyOf(clusterAdmins);
        clusterAdminGroups = Set.copyOf(clusterAdminGroups);
    }
}
