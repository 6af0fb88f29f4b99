package io.greenshank.profiles.reconcile;

import java.util.Set;

/** Names and annotations of the objects the controller manages in every profile namespace (Kubeflow's names). */
public final class ManagedNames {

    public static final String OWNER_ANNOTATION = "owner";
    public static final String USER_ANNOTATION = "user";
    public static final String ROLE_ANNOTATION = "role";

    public static final String OWNER_ROLE_BINDING = "namespaceAdmin";
    public static final String EDITOR_SERVICE_ACCOUNT = "default-editor";
    public static final String VIEWER_SERVICE_ACCOUNT = "default-viewer";
    public static final String RESOURCE_QUOTA = "kf-resource-quota";

    public static final String ADMIN_CLUSTER_ROLE = "kubeflow-admin";
    public static final String EDIT_CLUSTER_ROLE = "kubeflow-edit";
    public static final String VIEW_CLUSTER_ROLE = "kubeflow-view";
    public static final Set<String> KUBEFLOW_CLUSTER_ROLES =
            Set.of(ADMIN_CLUSTER_ROLE, EDIT_CLUSTER_ROLE, VIEW_CLUSTER_ROLE);

    public static final String GCP_SERVICE_ACCOUNT_ANNOTATION = "iam.gke.io/gcp-service-account";
    public static final String AWS_ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

    public static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    private ManagedNames() {
    }
}
