package io.greenshank.authz.policy.istio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * {@code security.istio.io/v1beta1} AuthorizationPolicy, field for field as Istio names them. Unknown fields in
 * {@code spec} fail the parse (a field we do not understand could be one that narrows access).
 */
public record AuthorizationPolicy(ObjectMeta metadata, Spec spec) {

    public static final String API_VERSION = "security.istio.io/v1beta1";
    public static final String KIND = "AuthorizationPolicy";
    public static final String DRY_RUN_ANNOTATION = "istio.io/dry-run";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ObjectMeta(String name, String namespace, Map<String, String> annotations,
                             Map<String, String> labels) {
    }

    public record Spec(WorkloadSelector selector, Object targetRef, List<Object> targetRefs, String action,
                       ExtensionProvider provider, List<Rule> rules) {
    }

    public record WorkloadSelector(Map<String, String> matchLabels) {
    }

    public record ExtensionProvider(String name) {
    }

    public record Rule(List<From> from, List<To> to, List<Condition> when) {
    }

    public record From(Source source) {
    }

    public record To(Operation operation) {
    }

    public record Source(List<String> principals, List<String> notPrincipals,
                         List<String> requestPrincipals, List<String> notRequestPrincipals,
                         List<String> namespaces, List<String> notNamespaces,
                         List<String> ipBlocks, List<String> notIpBlocks,
                         List<String> remoteIpBlocks, List<String> notRemoteIpBlocks) {
    }

    public record Operation(List<String> hosts, List<String> notHosts,
                            List<String> ports, List<String> notPorts,
                            List<String> methods, List<String> notMethods,
                            List<String> paths, List<String> notPaths) {
    }

    public record Condition(String key, List<String> values, List<String> notValues) {
    }
}
