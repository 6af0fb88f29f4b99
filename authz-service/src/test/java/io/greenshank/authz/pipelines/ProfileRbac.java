package io.greenshank.authz.pipelines;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API server's answer to a SubjectAccessReview over the RBAC profile-controller writes for a profile: RoleBinding
 * {@code default-editor} → ClusterRole {@code kubeflow-edit} and {@code default-viewer} → {@code kubeflow-view}, each
 * with the namespace's ServiceAccount of that name as its only subject (profile-controller
 * {@code ProfileReconciler.ensureServiceAccounts}, {@code roleBinding}, {@code serviceAccountSubject}). The cluster
 * roles carry the Pipelines rules Kubeflow aggregates into them (kubeflow/pipelines
 * {@code manifests/kustomize/base/installs/multi-user/view-edit-cluster-roles.yaml}). Reduced from kube-apiserver's
 * {@code plugin/pkg/auth/authorizer/rbac/rbac.go} ({@code RBACAuthorizer.Authorize}: any rule of any role bound to
 * the subject allows, nothing denies) to ServiceAccount subjects and resource rules without resource names — all
 * these bindings use. profile-controller's {@code RbacAuthorizerModel} is the fuller model; it needs an informer cache
 * this module does not have.
 */
final class ProfileRbac {

    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final List<String> PIPELINES_KINDS = List.of("pipelines", "pipelines/versions", "experiments",
            "jobs", "runs");
    private static final Map<String, PolicyRule> CLUSTER_ROLES = Map.of(
            "kubeflow-edit", rule("create", "delete", "update", "archive", "unarchive", "terminate", "retry", "enable",
                    "disable", "readArtifact", "reportMetrics", "get", "list"),
            "kubeflow-view", rule("get", "list", "readArtifact"));

    private final List<RoleBinding> bindings;
    final List<SubjectAccessReview> reviews = new CopyOnWriteArrayList<>();

    ProfileRbac(List<String> profileNamespaces) {
        this.bindings = profileNamespaces.stream().flatMap(ns -> java.util.stream.Stream.of(
                binding(ns, "default-editor", "kubeflow-edit"), binding(ns, "default-viewer", "kubeflow-view"))).toList();
    }

    private static PolicyRule rule(String... verbs) {
        return new PolicyRuleBuilder().withApiGroups("pipelines.kubeflow.org").withResources(PIPELINES_KINDS)
                .withVerbs(verbs).build();
    }

    private static RoleBinding binding(String namespace, String serviceAccount, String clusterRole) {
        return new RoleBindingBuilder().withNewMetadata().withName(serviceAccount).withNamespace(namespace).endMetadata()
                .withRoleRef(new RoleRef(RBAC_GROUP, "ClusterRole", clusterRole))
                .withSubjects(new Subject(null, "ServiceAccount", serviceAccount, namespace)).build();
    }

    SubjectAccessReview review(SubjectAccessReview request) {
        reviews.add(request);
        ResourceAttributes ra = request.getSpec().getResourceAttributes();
        String user = request.getSpec().getUser();
        boolean allowed = ra != null && bindings.stream()
                .filter(b -> b.getMetadata().getNamespace().equals(ra.getNamespace()))
                .filter(b -> b.getSubjects().stream().anyMatch(s -> ("system:serviceaccount:" + s.getNamespace() + ":"
                        + s.getName()).equals(user)))
                .map(b -> CLUSTER_ROLES.get(b.getRoleRef().getName()))
                .anyMatch(rule -> rule.getApiGroups().contains(ra.getGroup())
                        && rule.getResources().contains(ra.getResource()) && rule.getVerbs().contains(ra.getVerb()));
        request.setStatus(new SubjectAccessReviewStatus(allowed, false, null, allowed ? "RBAC: allowed" : ""));
        return request;
    }
}
