package io.greenshank.authz.policy.source;

import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.istio.CompiledPolicy;
import io.greenshank.authz.policy.legacy.ClusterRbacConfig;
import io.greenshank.authz.policy.legacy.ServiceRole;
import io.greenshank.authz.policy.legacy.ServiceRoleBinding;

/** One policy document after parsing: something to enforce, or a rejection with its fail-closed stand-in. */
public sealed interface PolicyEntry {

    record Istio(CompiledPolicy policy) implements PolicyEntry {
    }

    record Role(ServiceRole role) implements PolicyEntry {
    }

    record Binding(ServiceRoleBinding binding) implements PolicyEntry {
    }

    record RbacConfig(ClusterRbacConfig config) implements PolicyEntry {
    }

    /**
     * @param standIn      the AuthorizationPolicy enforced in its place (deny-scope or allow-nothing), or null
     * @param badRoleKey   {@code namespace/name} of an unreadable ServiceRole, or null
     * @param badRbacConfig whether this was the ClusterRbacConfig (then RBAC is enforced everywhere)
     */
    record Rejected(PolicyRejection rejection, CompiledPolicy standIn, String badRoleKey, boolean badRbacConfig)
            implements PolicyEntry {
    }
}
