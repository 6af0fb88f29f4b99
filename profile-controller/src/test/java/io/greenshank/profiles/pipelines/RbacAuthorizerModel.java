package io.greenshank.profiles.pipelines;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A test-scope model of kube-apiserver's RBAC authorizer answering a SubjectAccessReview from a namespace's
 * RoleBindings and the ClusterRoles they reference. Written from kubernetes
 * {@code plugin/pkg/auth/authorizer/rbac/rbac.go} ({@code RBACAuthorizer.Authorize}: any rule of any role bound to the
 * subject allows; no deny) and {@code rbac.go}'s helpers ({@code RuleAllows}: verb, API group, resource with
 * {@code resource/subresource}, resource name; {@code "*"} matches all; {@code appliesTo}: User by name, Group by
 * membership, ServiceAccount as {@code system:serviceaccount:<ns>:<name>}). Not modelled: ClusterRoleBindings and
 * namespaced Roles (the controller writes neither), non-resource URLs, aggregation labels (roles are given
 * aggregated), the other authorizers (Node, Webhook).
 */
final class RbacAuthorizerModel {

    private final Function<String, List<RoleBinding>> roleBindingsIn;
    private final Map<String, ClusterRole> clusterRoles;

    /**
     * @param roleBindingsIn the RoleBindings of a namespace, read from an informer cache: the model answers on the
     *                       mock server's event loop, which must not call the mock server back
     * @param clusterRoles   the cluster roles by name, already aggregated
     */
    RbacAuthorizerModel(Function<String, List<RoleBinding>> roleBindingsIn, List<ClusterRole> clusterRoles) {
        this.roleBindingsIn = roleBindingsIn;
        this.clusterRoles = clusterRoles.stream().collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
    }

    SubjectAccessReview review(SubjectAccessReview request) {
        ResourceAttributes ra = request.getSpec().getResourceAttributes();
        String user = request.getSpec().getUser();
        Set<String> groups = Set.copyOf(request.getSpec().getGroups() == null ? List.of() : request.getSpec().getGroups());
        boolean allowed = ra != null && ra.getNamespace() != null && roleBindingsIn.apply(ra.getNamespace()).stream()
                .filter(b -> b.getSubjects() != null && b.getSubjects().stream()
                        .anyMatch(s -> appliesTo(s, user, groups, b.getMetadata().getNamespace())))
                .flatMap(b -> rules(b.getRoleRef()).stream())
                .anyMatch(rule -> allows(rule, ra));
        request.setStatus(new SubjectAccessReviewStatus(allowed, false, null, allowed ? "RBAC: allowed" : ""));
        return request;
    }

    private static boolean appliesTo(Subject s, String user, Set<String> groups, String bindingNamespace) {
        return switch (s.getKind()) {
            case "User" -> s.getName().equals(user);
            case "Group" -> groups.contains(s.getName());
            case "ServiceAccount" -> {
                String ns = s.getNamespace() == null || s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
                yield ("system:serviceaccount:" + ns + ":" + s.getName()).equals(user);
            }
            default -> false;
        };
    }

    private List<PolicyRule> rules(RoleRef ref) {
        ClusterRole r = "ClusterRole".equals(ref.getKind()) ? clusterRoles.get(ref.getName()) : null;
        return r == null || r.getRules() == null ? List.of() : r.getRules();
    }

    private static boolean allows(PolicyRule rule, ResourceAttributes ra) {
        String resource = ra.getSubresource() == null || ra.getSubresource().isEmpty() ? ra.getResource()
                : ra.getResource() + "/" + ra.getSubresource();
        return matches(rule.getVerbs(), ra.getVerb())
                && matches(rule.getApiGroups(), ra.getGroup() == null ? "" : ra.getGroup())
                && matches(rule.getResources(), resource)
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || rule.getResourceNames().contains(ra.getName()));
    }

    private static boolean matches(List<String> allowed, String value) {
        return allowed != null && (allowed.contains("*") || allowed.contains(value));
    }
}
