package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.TraceEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's decision procedure over the policies that apply to a workload: a matching DENY denies; with no ALLOW policy
 * the request is allowed; a matching ALLOW allows; otherwise it is denied. Dry-run policies are evaluated and traced
 * but never decide. AUDIT policies only mark the decision. CUSTOM policies hand the request to an external provider
 * in Envoy; Greenshank is that provider, so they are traced and otherwise do not change the decision.
 */
public final class AuthorizationPolicyEvaluator {

    public static final String MODEL = "AuthorizationPolicy";

    private AuthorizationPolicyEvaluator() {
    }

    public static Decision evaluate(List<CompiledPolicy> policies, PolicyRequest r, boolean explain) {
        List<TraceEntry> trace = new ArrayList<>(policies.size());
        boolean audited = false;
        CompiledPolicy denyBy = null;
        int denyRule = -1;
        for (Action phase : PHASES) {
            for (int i = 0; i < policies.size(); i++) {
                CompiledPolicy p = policies.get(i);
                if (p.action() != phase) {
                    continue;
                }
                int rule = p.firstMatch(r);
                trace.add(new TraceEntry(MODEL, p.key(), p.action(), p.dryRun(), rule >= 0, rule,
                        explain ? explain(p, r, rule) : ""));
                if (rule >= 0 && !p.dryRun()) {
                    if (phase == Action.DENY && denyBy == null) {
                        denyBy = p;
                        denyRule = rule;
                    } else if (phase == Action.AUDIT) {
                        audited = true;
                    }
                }
            }
            if (phase == Action.DENY && denyBy != null) {
                // A deny is final; ALLOW policies are not consulted, as in Envoy's filter chain.
                return new Decision(false, Action.DENY, denyBy.key(), denyRule, "denied-by-policy",
                        "denied by DENY policy " + denyBy.key() + " rule " + denyRule
                                + (denyBy.rejected().isEmpty() ? "" : " (unreadable policy: " + denyBy.rejected() + ")"),
                        audited, trace);
            }
        }
        boolean anyAllow = false;
        for (int i = 0; i < trace.size(); i++) {
            TraceEntry t = trace.get(i);
            if (t.action() == Action.ALLOW && !t.dryRun()) {
                anyAllow = true;
                if (t.matched()) {
                    return new Decision(true, Action.ALLOW, t.policy(), t.rule(), "allowed-by-policy",
                            "allowed by ALLOW policy " + t.policy() + " rule " + t.rule(), audited, trace);
                }
            }
        }
        if (!anyAllow) {
            return new Decision(true, null, "", -1, "no-allow-policy", "no ALLOW policy applies to the workload",
                    audited, trace);
        }
        return new Decision(false, null, "", -1, "no-allow-policy-matched",
                "RBAC: access denied: no ALLOW policy matched", audited, trace);
    }

    private static final Action[] PHASES = {Action.CUSTOM, Action.DENY, Action.ALLOW, Action.AUDIT};

    private static String explain(CompiledPolicy p, PolicyRequest r, int matchedRule) {
        StringBuilder b = new StringBuilder();
        if (!p.rejected().isEmpty()) {
            b.append("unreadable policy, enforced fail-closed: ").append(p.rejected()).append("; ");
        }
        if (p.action() == Action.CUSTOM) {
            b.append("CUSTOM provider ").append(p.provider()).append(" (Greenshank) ; ");
        }
        if (p.rules().isEmpty()) {
            return b.append("no rules: matches nothing").toString();
        }
        if (matchedRule >= 0) {
            return b.append("rule ").append(matchedRule).append(" matched").toString();
        }
        for (int i = 0; i < p.rules().size(); i++) {
            if (i > 0) {
                b.append("; ");
            }
            b.append("rule ").append(i).append(": ").append(p.rules().get(i).mismatch(r));
        }
        return b.toString();
    }
}
