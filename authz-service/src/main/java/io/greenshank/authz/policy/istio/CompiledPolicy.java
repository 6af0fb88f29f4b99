package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.PolicyRequest;
import java.util.List;
import java.util.Map;

/**
 * An AuthorizationPolicy ready to evaluate.
 *
 * @param selector  the workload labels it applies to; empty means every workload in its namespace (or the mesh,
 *                  in the root namespace)
 * @param rules     empty means the policy matches nothing ({@code spec: {}} is an allow-nothing policy)
 * @param provider  the CUSTOM provider name, or empty
 * @param rejected  why the source did not parse, when this is the fail-closed stand-in for an unreadable policy
 */
public record CompiledPolicy(String namespace, String name, Action action, boolean dryRun,
                             Map<String, String> selector, List<CompiledRule> rules, String provider,
                             String rejected) {

    public CompiledPolicy {
        selector = Map.copyOf(selector);
        rules = List.copyOf(rules);
        provider = provider == null ? "" : provider;
        rejected = rejected == null ? "" : rejected;
    }

    public String key() {
        return namespace + "/" + name;
    }

    public boolean selects(Map<String, String> workloadLabels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(workloadLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first matching rule, or -1. */
    public int firstMatch(PolicyRequest r) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(r)) {
                return i;
            }
        }
        return -1;
    }
}
