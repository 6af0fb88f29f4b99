package io.greenshank.authz.policy.source;

import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.istio.AuthorizationPolicyIndex;
import io.greenshank.authz.policy.istio.CompiledPolicy;
import io.greenshank.authz.policy.legacy.ClusterRbacConfig;
import io.greenshank.authz.policy.legacy.LegacyCompiler;
import io.greenshank.authz.policy.legacy.LegacyRbac;
import io.greenshank.authz.policy.legacy.ServiceRole;
import io.greenshank.authz.policy.legacy.ServiceRoleBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Assembles parsed entries from every source into one {@link PolicySet}. */
public final class PolicySetBuilder {

    /** What an unreadable ClusterRbacConfig is enforced as: RBAC on for every service. */
    private static final ClusterRbacConfig RBAC_ON =
            new ClusterRbacConfig(null, new ClusterRbacConfig.Spec("ON", null, null, null));

    private PolicySetBuilder() {
    }

    public static PolicySet build(Iterable<PolicyEntry> entries, String rootNamespace, String clusterDomain,
                                  long generation) {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<ServiceRole> roles = new ArrayList<>();
        List<ServiceRoleBinding> bindings = new ArrayList<>();
        Map<String, String> badRoles = new HashMap<>();
        List<PolicyRejection> rejections = new ArrayList<>();
        ClusterRbacConfig config = null;
        boolean badConfig = false;
        for (PolicyEntry e : entries) {
            if (e instanceof PolicyEntry.Istio i) {
                policies.add(i.policy());
            } else if (e instanceof PolicyEntry.Role r) {
                roles.add(r.role());
            } else if (e instanceof PolicyEntry.Binding b) {
                bindings.add(b.binding());
            } else if (e instanceof PolicyEntry.RbacConfig c) {
                config = c.config();
            } else if (e instanceof PolicyEntry.Rejected r) {
                rejections.add(r.rejection());
                if (r.standIn() != null) {
                    policies.add(r.standIn());
                }
                if (r.badRoleKey() != null) {
                    badRoles.put(r.badRoleKey(), r.rejection().reason());
                }
                badConfig |= r.badRbacConfig();
            }
        }
        LegacyRbac legacy = LegacyCompiler.compile(badConfig ? RBAC_ON : config, roles, bindings, badRoles,
                clusterDomain);
        for (LegacyRbac.CompiledBinding b : legacy.bindings()) {
            if (!b.problem().isEmpty()) {
                rejections.add(new PolicyRejection("compiled", ServiceRoleBinding.KIND, b.key(), b.problem(),
                        "grants-nothing"));
            }
        }
        return new PolicySet(AuthorizationPolicyIndex.of(rootNamespace, policies), legacy, rejections, generation);
    }
}
