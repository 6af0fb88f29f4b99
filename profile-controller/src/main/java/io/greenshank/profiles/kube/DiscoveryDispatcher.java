package io.greenshank.profiles.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers the API discovery documents ({@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>})
 * that kubectl reads before anything else, for the kinds the embedded server holds; everything else goes to the
 * CRUD dispatcher. The mock server alone answers discovery with its object list, which kubectl cannot map.
 */
final class DiscoveryDispatcher extends Dispatcher {

    private record Kind(String kind, String plural, boolean namespaced) {
    }

    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");

    private static final Map<String, List<Kind>> GROUP_VERSIONS = new LinkedHashMap<>();

    static {
        GROUP_VERSIONS.put("v1", List.of(new Kind("Namespace", "namespaces", false),
                new Kind("ServiceAccount", "serviceaccounts", true), new Kind("ResourceQuota", "resourcequotas", true),
                new Kind("ConfigMap", "configmaps", true), new Kind("Secret", "secrets", true),
                new Kind("Pod", "pods", true), new Kind("Service", "services", true)));
        GROUP_VERSIONS.put("kubeflow.org/v1", List.of(new Kind("Profile", "profiles", false)));
        GROUP_VERSIONS.put("kubeflow.org/v1beta1", List.of(new Kind("Profile", "profiles", false)));
        GROUP_VERSIONS.put("rbac.authorization.k8s.io/v1", List.of(new Kind("RoleBinding", "rolebindings", true),
                new Kind("Role", "roles", true), new Kind("ClusterRole", "clusterroles", false),
                new Kind("ClusterRoleBinding", "clusterrolebindings", false)));
        GROUP_VERSIONS.put("security.istio.io/v1beta1", List.of(new Kind("AuthorizationPolicy", "authorizationpolicies", true)));
        GROUP_VERSIONS.put("security.istio.io/v1", List.of(new Kind("AuthorizationPolicy", "authorizationpolicies", true)));
        GROUP_VERSIONS.put("rbac.istio.io/v1alpha1", List.of(new Kind("ServiceRole", "serviceroles", true),
                new Kind("ServiceRoleBinding", "servicerolebindings", true)));
        GROUP_VERSIONS.put("coordination.k8s.io/v1", List.of(new Kind("Lease", "leases", true)));
        GROUP_VERSIONS.put("apiextensions.k8s.io/v1", List.of(new Kind("CustomResourceDefinition", "customresourcedefinitions", false)));
        GROUP_VERSIONS.put("authorization.k8s.io/v1", List.of(new Kind("SubjectAccessReview", "subjectaccessreviews", false)));
    }

    private final Dispatcher delegate;

    DiscoveryDispatcher(Dispatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if ("GET".equals(request.getMethod())) {
            Object doc = discovery(bare);
            if (doc != null) {
                return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json")
                        .setBody(Serialization.asJson(doc));
            }
        }
        return delegate.dispatch(request);
    }

    private static Object discovery(String path) {
        if ("/api".equals(path)) {
            return Map.of("kind", "APIVersions", "versions", List.of("v1"),
                    "serverAddressByClientCIDRs", List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1")));
        }
        if ("/apis".equals(path)) {
            Map<String, List<String>> groups = new LinkedHashMap<>();
            GROUP_VERSIONS.keySet().stream().filter(gv -> gv.contains("/"))
                    .forEach(gv -> groups.computeIfAbsent(gv.substring(0, gv.indexOf('/')), g -> new ArrayList<>()).add(gv));
            List<Object> out = new ArrayList<>();
            groups.forEach((group, gvs) -> out.add(Map.of("name", group,
                    "versions", gvs.stream().map(gv -> Map.of("groupVersion", gv, "version", gv.substring(gv.indexOf('/') + 1))).toList(),
                    "preferredVersion", Map.of("groupVersion", gvs.get(0), "version", gvs.get(0).substring(gvs.get(0).indexOf('/') + 1)))));
            return Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", out);
        }
        String gv = path.startsWith("/api/") ? path.substring(5) : path.startsWith("/apis/") ? path.substring(6) : null;
        List<Kind> kinds = gv == null ? null : GROUP_VERSIONS.get(gv);
        if (kinds == null) {
            return null;
        }
        return Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", gv,
                "resources", kinds.stream().map(k -> Map.of("name", k.plural(), "singularName", k.kind().toLowerCase(),
                        "namespaced", k.namespaced(), "kind", k.kind(), "verbs", VERBS)).toList());
    }
}
