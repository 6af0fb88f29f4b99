package io.greenshank.authz.policy;

/**
 * One policy the engine considered for a request and what came of it.
 *
 * @param model    {@code AuthorizationPolicy}, {@code ServiceRoleBinding} or {@code ClusterRbacConfig}
 * @param policy   {@code namespace/name}
 * @param action   the policy's action
 * @param dryRun   true when the policy is only evaluated and logged ({@code istio.io/dry-run}, PERMISSIVE)
 * @param matched  whether one of its rules matched
 * @param rule     the index of the matching rule, or -1
 * @param detail   why it matched or not (which condition failed, per rule), filled in when explaining
 */
public record TraceEntry(String model, String policy, Action action, boolean dryRun, boolean matched, int rule,
                         String detail) {

    @Override
    public String toString() {
        return model + " " + policy + " [" + action + (dryRun ? ", dry-run" : "") + "] "
                + (matched ? "matched rule " + rule : "did not match") + (detail.isEmpty() ? "" : ": " + detail);
    }
}
