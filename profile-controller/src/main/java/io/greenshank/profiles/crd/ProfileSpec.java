package io.greenshank.profiles.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;

/**
 * Kubeflow's ProfileSpec, field for field.
 *
 * @param owner             the RBAC subject that administers the namespace (a {@code User}, in practice)
 * @param resourceQuotaSpec the quota for the namespace; none is created while {@code hard} is empty
 * @param plugins           cloud-identity plugins; Greenshank applies them as service-account annotations
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileSpec(Subject owner, ResourceQuotaSpec resourceQuotaSpec, List<ProfilePlugin> plugins) {

    public ProfileSpec {
        plugins = plugins == null ? null : List.copyOf(plugins);
    }

    public static ProfileSpec ownedBy(String user) {
        return new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User", user, null), null, null);
    }

    /** The quota's {@code hard} limits, or empty when there is no quota. */
    public Map<String, Quantity> hardQuota() {
        if (resourceQuotaSpec == null || resourceQuotaSpec.getHard() == null) {
            return Map.of();
        }
        return resourceQuotaSpec.getHard();
    }

    public List<ProfilePlugin> pluginsOrEmpty() {
        return plugins == null ? List.of() : plugins;
    }
}
