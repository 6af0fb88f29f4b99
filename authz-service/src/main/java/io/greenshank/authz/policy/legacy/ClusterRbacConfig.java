package io.greenshank.authz.policy.legacy;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.greenshank.authz.policy.istio.AuthorizationPolicy.ObjectMeta;
import java.util.List;

/** {@code rbac.istio.io/v1alpha1} ClusterRbacConfig (the mesh-wide singleton {@code default}): where RBAC is on. */
public record ClusterRbacConfig(ObjectMeta metadata, Spec spec) {

    public static final String KIND = "ClusterRbacConfig";

    public enum Mode { OFF, ON, ON_WITH_INCLUSION, ON_WITH_EXCLUSION }

    public record Spec(String mode, Target inclusion, Target exclusion,
                       @JsonAlias("enforcement_mode") String enforcementMode) {
    }

    public record Target(List<String> services, List<String> namespaces) {
    }
}
