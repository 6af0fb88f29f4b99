package io.greenshank.authz.explain;

import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.sar.ResourceAttributes;
import java.util.Map;

/**
 * A decision with everything that led to it.
 *
 * @param path          the path as judged (after normalization), or the rejection
 * @param route         the index of the matching route, or -1
 * @param destination   what the request was judged against
 * @param decision      the policy decision and its full trace
 * @param resource      the Kubernetes resource the route names, or null
 * @param review        the SubjectAccessReview that would be sent (as JSON), or null
 */
public record Explanation(String path, String pathRejected, int route, Destination destination, Decision decision,
                          ResourceAttributes resource, Map<String, Object> review) {

    public String render() {
        StringBuilder b = new StringBuilder();
        if (!pathRejected.isEmpty()) {
            return b.append("DENY: path rejected before policy: ").append(pathRejected).append('\n').toString();
        }
        b.append(decision.allowed() ? "ALLOW" : "DENY").append(": ").append(decision.message()).append('\n');
        b.append("  path judged:  ").append(path).append('\n');
        b.append("  destination:  namespace=").append(destination.namespace())
                .append(destination.service().isEmpty() ? "" : " service=" + destination.service())
                .append(destination.labels().isEmpty() ? "" : " labels=" + destination.labels())
                .append(route >= 0 ? " (route " + route + ")" : "").append('\n');
        if (decision.audited()) {
            b.append("  audited by an AUDIT policy\n");
        }
        b.append("  policies considered (").append(decision.trace().size()).append("):\n");
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
}
