package io.greenshank.authz.policy;

import java.util.List;

/**
 * The engine's answer, naming what decided it.
 *
 * @param allowed   the outcome
 * @param action    the action that decided: DENY or ALLOW of the deciding policy; null when no policy decided
 *                  (nothing in scope, or no ALLOW matched)
 * @param policy    {@code namespace/name} of the deciding policy, or empty
 * @param rule      the deciding rule's index, or -1
 * @param reason    a short machine-readable reason ({@code denied-by-policy}, {@code no-allow-policy-matched}, ...)
 * @param message   one human sentence for logs and deny bodies
 * @param audited   whether an AUDIT policy matched
 * @param trace     every policy considered, in evaluation order
 */
public record Decision(boolean allowed, Action action, String policy, int rule, String reason, String message,
                       boolean audited, List<TraceEntry> trace) {

    public Decision {
        trace = List.copyOf(trace);
    }
}
