package io.greenshank.deploy;

import io.greenshank.envoy.EnvoyOutcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Kubeflow's central dashboard as a KFAM client, modelled from its source (kubeflow/dashboard,
 * {@code components/centraldashboard/app}): {@code server.ts} {@code main()} builds the KFAM base URL as
 * {@code http://${PROFILES_KFAM_SERVICE_HOST}:${PROFILES_KFAM_SERVICE_PORT}/kfam}, defaulting to
 * {@code profiles-kfam.kubeflow} and {@code 8081} (kubeflow/manifests {@code apps/profiles} ships the Service
 * {@code profiles-kfam} on 8081); {@code clients/profile_controller.ts} {@code DefaultApi} adds {@code /v1/...}; and
 * {@code api_workgroup.ts} {@code WorkgroupApi} decides which calls carry the user's headers. Its calls reach
 * profile-controller from the dashboard's mesh identity, through the controller's sidecar ({@link MeshClients#kfam}).
 */
final class CentralDashboard {

    static final URI KFAM_SERVICE = URI.create("http://profiles-kfam.kubeflow:8081");
    static final String PRINCIPAL = "spiffe://cluster.local/ns/kubeflow/sa/centraldashboard";
    /** kubeflow/manifests' dashboard configuration: {@code USERID_HEADER=kubeflow-userid}, no prefix. */
    static final String USERID_HEADER = "kubeflow-userid";

    private final MeshClients mesh;

    CentralDashboard(MeshClients mesh) {
        this.mesh = mesh;
    }

    /** {@code getWorkgroupInfo}: {@code v1RoleClusteradminGet(user.email)}, with no user header. */
    HttpResponse<String> isClusterAdmin(String user) throws Exception {
        return mesh.kfam("GET", "/kfam/v1/role/clusteradmin?user=" + encode(user), Map.of(), PRINCIPAL, null);
    }

    /** {@code getWorkgroupInfo}: {@code readBindings(user.email)}, with no user header. */
    HttpResponse<String> readBindings(String user) throws Exception {
        return mesh.kfam("GET", "/kfam/v1/bindings?user=" + encode(user), Map.of(), PRINCIPAL, null);
    }

    /** {@code getContributors}: {@code readBindings(undefined, namespace)}, with no user header. */
    HttpResponse<String> contributors(String namespace) throws Exception {
        return mesh.kfam("GET", "/kfam/v1/bindings?namespace=" + encode(namespace), Map.of(), PRINCIPAL, null);
    }

    /**
     * {@code POST /api/workgroup/create}: {@code createProfile({metadata: {name}, spec: {owner: {kind: 'User', name}}})}
     * with no user header (registration: the user's own namespace).
     */
    HttpResponse<String> createProfile(String namespace, String owner) throws Exception {
        return mesh.kfam("POST", "/kfam/v1/profiles", Map.of(), PRINCIPAL, """
                {"metadata":{"name":"%s"},"spec":{"owner":{"kind":"User","name":"%s"}}}"""
                .formatted(namespace, owner));
    }

    /**
     * {@code handleContributor('create', ...)}: {@code createBinding} with the body
     * {@code mapSimpleBindingToWorkgroupBinding} builds and only the user's {@code authorization}, {@code cookie} and
     * user-id headers of the request the gateway forwarded; {@code null} forwards none.
     */
    HttpResponse<String> addContributor(EnvoyOutcome.Forwarded userRequest, String namespace, String contributor)
            throws Exception {
        Map<String, String> auth = MeshClients.forwarded(userRequest, List.of("authorization", "cookie", USERID_HEADER));
        return mesh.kfam("POST", "/kfam/v1/bindings", auth, PRINCIPAL, """
                {"subject":{"kind":"User","name":"%s"},"referredNamespace":"%s",
                 "RoleRef":{"kind":"ClusterRole","name":"edit"}}""".formatted(contributor, namespace));
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
