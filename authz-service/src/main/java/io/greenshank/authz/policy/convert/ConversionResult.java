package io.greenshank.authz.policy.convert;

import java.util.List;
import java.util.Map;

/**
 * What conversion produced: AuthorizationPolicies (as ordered maps, ready to print as YAML), and in plain words what
 * could not be converted and what the operator must check.
 */
public record ConversionResult(List<Map<String, Object>> policies, List<String> notConverted, List<String> notes) {

    public ConversionResult {
        policies = List.copyOf(policies);
        notConverted = List.copyOf(notConverted);
        notes = List.copyOf(notes);
    }

    public boolean complete() {
        return notConverted.isEmpty();
    }
}
