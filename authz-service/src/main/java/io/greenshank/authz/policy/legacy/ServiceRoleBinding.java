package io.greenshank.authz.policy.legacy;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.greenshank.authz.policy.istio.AuthorizationPolicy.ObjectMeta;
import java.util.List;
import java.util.Map;

/** {@code rbac.istio.io/v1alpha1} ServiceRoleBinding: who holds a ServiceRole of the same namespace. */
public record ServiceRoleBinding(ObjectMeta metadata, Spec spec) {

    public static final String KIND = "ServiceRoleBinding";

    public record Spec(List<Subject> subjects, @JsonAlias("role_ref") RoleRef roleRef, String role, String mode) {

        /** The referenced ServiceRole's name, from {@code roleRef} or the newer {@code role: /ServiceRole/<name>}. */
        public String roleName() {
            if (roleRef != null && roleRef.name() != null) {
                return roleRef.name();
            }
            if (role != null) {
                return role.startsWith("/ServiceRole/") ? role.substring("/ServiceRole/".length()) : role;
            }
            return null;
        }
    }

    public record RoleRef(String kind, String name) {
    }

    public record Subject(String user, String group, Map<String, String> properties,
                          List<String> names, @JsonAlias("not_names") List<String> notNames,
                          List<String> groups, @JsonAlias("not_groups") List<String> notGroups,
                          List<String> namespaces, @JsonAlias("not_namespaces") List<String> notNamespaces,
                          List<String> ips, @JsonAlias("not_ips") List<String> notIps) {
    }
}
