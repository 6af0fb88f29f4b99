package io.greenshank.profiles.authn;

import java.util.Set;

/**
 * Which mesh workloads may call on behalf of users ({@code greenshank.profiles.authn.delegation.*}).
 *
 * @param enabled    on only where every connection to the API passes through its sidecar (see docs)
 * @param principals Istio principals ({@code cluster.local/ns/kubeflow/sa/centraldashboard})
 */
public record Delegation(boolean enabled, Set<String> principals) {

    public static final String CENTRAL_DASHBOARD = "cluster.local/ns/kubeflow/sa/centraldashboard";

    public Delegation {
        principals = Set.copyOf(principals);
    }

    public boolean names(String principal) {
        return principals.contains(principal);
    }
}
