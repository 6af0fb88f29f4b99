package io.greenshank.profiles.istio;

import java.util.Locale;

/**
 * Which Istio access model the controller writes. {@code authorization-policy} is what current Istio enforces;
 * {@code service-role} is the legacy RBAC model (ServiceRole / ServiceRoleBinding) that Kubeflow's design card and
 * Operations Guide describe; {@code both} writes the two side by side during a migration.
 */
public enum IstioPolicyModel {
    AUTHORIZATION_POLICY, SERVICE_ROLE, BOTH, NONE;

    public boolean authorizationPolicies() {
        return this == AUTHORIZATION_POLICY || this == BOTH;
    }

    public boolean serviceRoles() {
        return this == SERVICE_ROLE || this == BOTH;
    }

    /** Parses the config value ({@code authorization-policy}, {@code service-role}, {@code both}, {@code none}). */
    public static IstioPolicyModel parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown Istio policy model '" + value
                    + "': expected authorization-policy, service-role, both or none", e);
        }
    }
}
