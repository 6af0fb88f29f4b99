package io.greenshank.profiles.pipelines;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A test-scope model of kube-apiserver's RBAC authorizer answering a SubjectAccessReview from the RoleBindings,
 * ClusterRoleBindings, Roles and ClusterRoles stored in the (fabric8 CRUD) API server. Written from kubernetes
 * {@code plugin/pkg/auth/authorizer/rbac/rbac.go} ({@code RBACAuthorizer.Authorize}: any rule of any role bound to the
 * subject allows; no deny) and {@code rbac.go}'s helpers ({@code RuleAllows}: verb, API group, resource with
 * {@code resource/subresource}, resource name; {@code "*"} matches all; {@code appliesTo}: User by name, Group by
 * membership, ServiceAccount as {@code system:serviceaccount:<ns>:<name>}). Not modelled: non-resource URLs,
 * aggregation labels (roles must be written aggregated), the other authorizers (Node, Webhook).
 */
final class RbacAuthorizerModel {

    private final KubernetesClient client;

    RbacAuthorizerModel(KubernetesClient client) {
        this.client = client;
    }

    SubjectAccessReview review(SubjectAccessReview request) {
        ResourceAttributes ra = request.getSpec().getResourceAttributes();
        String user = request.getSpec().getUser();
        Set<String> groups = Set.copyOf(request.getSpec().getGroups() == null ? List.of() : request.getSpec().getGroups());
        Stream<Binding> bindings = client.rbac().clusterRoleBindings().list().getItems().stream()
                .map(b -> new Binding(b.getRoleRef(), b.getSubjects(), null));
        if (ra != null && ra.getNamespace() != null && !ra.getNamespace().isEmpty()) {
            bindings = Stream.concat(bindings, client.rbac().roleBindings().inNamespace(ra.getNamespace()).list()
                    .getItems().stream().map((RoleBinding b) -> new Binding(b.getRoleRef(), b.getSubjects(),
                            b.getMetadata().getNamespace())));
        }
        boolean allowed = ra != null && bindings
                .filter(b -> b.subjects() != null && b.subjects().stream().anyMatch(s -> appliesTo(s, user, groups, b.namespace())))
                .flatMap(b -> rules(b.roleRef(), b.namespace()).stream())
                .anyMatch(rule -> allows(rule, ra));
        request.setStatus(new SubjectAccessReviewStatus(allowed, false, null, allowed ? "RBAC: allowed" : ""));
        return request;
    }

    private record Binding(RoleRef roleRef, List<Subject> subjects, String namespace) {
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

    private List<PolicyRule> rules(RoleRef ref, String namespace) {
        if ("ClusterRole".equals(ref.getKind())) {
            ClusterRole r = client.rbac().clusterRoles().withName(ref.getName()).get();
            return r == null || r.getRules() == null ? List.of() : r.getRules();
        }
        Role r = namespace == null ? null : client.rbac().roles().inNamespace(namespace).withName(ref.getName()).get();
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
