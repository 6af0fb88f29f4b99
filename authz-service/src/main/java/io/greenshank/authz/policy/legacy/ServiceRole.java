package io.greenshank.authz.policy.legacy;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.greenshank.authz.policy.istio.AuthorizationPolicy.ObjectMeta;
import java.util.List;

/** {@code rbac.istio.io/v1alpha1} ServiceRole: what may be done to which services of its namespace. */
public record ServiceRole(ObjectMeta metadata, Spec spec) {

    public static final String API_VERSION = "rbac.istio.io/v1alpha1";
    public static final String KIND = "ServiceRole";

    public record Spec(List<AccessRule> rules) {
    }

    public record AccessRule(List<String> services,
                             List<String> hosts, @JsonAlias("not_hosts") List<String> notHosts,
                             List<String> paths, @JsonAlias("not_paths") List<String> notPaths,
                             List<String> methods, @JsonAlias("not_methods") List<String> notMethods,
                             List<Integer> ports, @JsonAlias("not_ports") List<Integer> notPorts,
                             List<Constraint> constraints) {
    }

    public record Constraint(String key, List<String> values) {
    }
}
