package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.PolicyRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule ready to evaluate: any source (each an AND of its fields), any operation (likewise), and every condition.
 * An empty list means "not constrained". A rule with nothing at all matches every request ({@code rules: [{}]}).
 */
public record CompiledRule(List<List<Cond>> from, List<List<Cond>> to, List<Cond> when) {

    public boolean matches(PolicyRequest r) {
        return anyAll(from, r) && anyAll(to, r) && all(when, r);
    }

    /** Why this rule does not match, or null when it does. */
    public String mismatch(PolicyRequest r) {
        if (!anyAll(from, r)) {
            return "from: " + explainAny(from, r);
        }
        if (!anyAll(to, r)) {
            return "to: " + explainAny(to, r);
        }
        for (Cond c : when) {
            if (!c.test(r)) {
                return "when: " + c.describe() + " not met (request: " + c.actual(r) + ")";
            }
        }
        return null;
    }

    private static String explainAny(List<List<Cond>> alternatives, PolicyRequest r) {
        List<String> reasons = new ArrayList<>();
        for (List<Cond> alt : alternatives) {
            for (Cond c : alt) {
                if (!c.test(r)) {
                    reasons.add(c.describe() + " not met (request: " + c.actual(r) + ")");
                    break;
                }
            }
        }
        return String.join(" | ", reasons);
    }

    private static boolean anyAll(List<List<Cond>> alternatives, PolicyRequest r) {
        if (alternatives.isEmpty()) {
            return true;
        }
        for (int i = 0; i < alternatives.size(); i++) {
            if (all(alternatives.get(i), r)) {
                return true;
            }
        }
        return false;
    }

    private static boolean all(List<Cond> conds, PolicyRequest r) {
        for (int i = 0; i < conds.size(); i++) {
            if (!conds.get(i).test(r)) {
                return false;
            }
        }
        return true;
    }
}
