package io.greenshank.authz.explain;

import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.sar.ResourceAttributes;
import java.util.List;
import java.util.Map;

/**
 * A decision with everything that led to it.
 *
 * @param path            the path as judged (after normalization), or as given when it was refused
 * @param pathRejected    why the request was refused before policy (a path or method that cannot be judged), or empty
 * @param route           the index of the matching route, or -1
 * @param destination     what the request was judged against
 * @param decision        the policy decision and its full trace
 * @param resource        the Kubernetes resource the route names, or null
 * @param review          the SubjectAccessReview that would be sent (as JSON), or null
 * @param status          what the Check answers: 200, 400 (cannot be judged), 401 (a credential is required), 403
 *                        (refused by policy); where {@code review} is set, a 200 still depends on that review (a
 *                        refusal there is a 403 {@code rbac_denied})
 * @param denial          which kind of refusal ({@code credential_required}, {@code policy}, {@code bad_request}),
 *                        empty on allow: the decision log's {@code denial} field
 * @param reason          the reason code the Check is logged and counted under
 * @param policyConsulted false when the request was refused before policy (the trace is then for reference only)
 */
public record Explanation(String path, String pathRejected, int route, Destination destination, Decision decision,
                          ResourceAttributes resource, Map<String, Object> review, int status, String denial,
                          String reason, boolean policyConsulted) {

    static Explanation refusedBeforePolicy(String path, String why, Destination destination, String reason) {
        return new Explanation(path, why, -1, destination,
                new Decision(false, null, "", -1, reason.replace('_', '-'), why, false, List.of()), null, null, 400,
                "bad_request", reason, false);
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        if (!pathRejected.isEmpty()) {
            String what = reason.equals("method_invalid") ? "method" : "path";
            return b.append("DENY: ").append(what).append(" rejected before policy: ").append(pathRejected).append('\n')
                    .append(response()).toString();
        }
        b.append(status == 200 ? "ALLOW" : "DENY").append(": ").append(headline()).append('\n');
        b.append(response());
        b.append("  path judged:  ").append(path).append('\n');
        b.append("  destination:  namespace=").append(destination.namespace())
                .append(destination.service().isEmpty() ? "" : " service=" + destination.service())
                .append(destination.labels().isEmpty() ? "" : " labels=" + destination.labels())
                .append(route >= 0 ? " (route " + route + ")" : "").append('\n');
        if (decision.audited()) {
            b.append("  audited by an AUDIT policy\n");
        }
        b.append("  policies considered (").append(decision.trace().size())
                .append(policyConsulted ? "" : "; for reference only, policy is not consulted").append("):\n");
        decision.trace().forEach(t -> b.append("    - ").append(t).append('\n'));
        if (resource != null) {
            b.append("  then Kubernetes RBAC: ").append(resource.verb()).append(' ')
                    .append(resource.group().isEmpty() ? "" : resource.group() + "/").append(resource.resource())
                    .append(resource.subresource().isEmpty() ? "" : "/" + resource.subresource())
                    .append(resource.name().isEmpty() ? "" : " " + resource.name())
                    .append(resource.namespace().isEmpty() ? "" : " in " + resource.namespace())
                    .append(" via SubjectAccessReview").append('\n');
        }
        return b.toString();
    }

    private String headline() {
        return switch (reason) {
            case "no_credentials" -> "a credential is required: the caller is anonymous and the path is not public "
                    + "(policy: " + decision.message() + ")";
            case "rbac_requires_identity" -> "a credential is required: the route is judged by Kubernetes RBAC, "
                    + "which needs an authenticated caller (policy: " + decision.message() + ")";
            default -> decision.message();
        };
    }

    private String response() {
        return "  response:     " + status + (denial.isEmpty() ? "" : " " + denial) + " (" + reason + ")\n";
    }
}
