package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.path.Hosts;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.route.RouteMatch;
import io.greenshank.authz.route.RouteTable;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the engine's request from a Check: normalized path, the source principal in Istio's scheme-less form, and
 * the destination from (in order) the route's {@code context_extensions}, the route table, or the sidecar's own
 * configured workload.
 */
public final class PolicyRequests {

    public static final String EXT_NAMESPACE = "greenshank.io/namespace";
    public static final String EXT_SERVICE = "greenshank.io/service";
    public static final String EXT_LABELS = "greenshank.io/labels";

    /** The request plus the route it matched, if any. */
    public record Built(PolicyRequest request, Optional<RouteMatch> route) {
    }

    private final PathNormalizer normalizer;
    private final RouteTable routes;
    private final PolicyConfig.Destination fallback;
    private final IdentityHeaders identityHeaders;

    public PolicyRequests(PathNormalizer normalizer, RouteTable routes, PolicyConfig.Destination fallback,
                          IdentityHeaders identityHeaders) {
        this.normalizer = normalizer;
        this.routes = routes;
        this.fallback = fallback;
        this.identityHeaders = identityHeaders;
    }

    /**
     * Policies see the identity headers as they will reach the upstream: the sidecar overwrites them with the
     * authenticated identity and strips client copies, so a policy on {@code request.headers[kubeflow-userid]} (as
     * Kubeflow's are) can never be satisfied by a header the client made up.
     */
    private Map<String, String> upstreamHeaders(Map<String, String> headers, Optional<Identity> identity) {
        Map<String, String> out = new java.util.HashMap<>(headers);
        out.keySet().removeAll(identityHeaders.names());
        identity.ifPresent(id -> {
            out.put(identityHeaders.userHeader(), identityHeaders.userValue(id));
            out.put(identityHeaders.groupsHeader(), identityHeaders.groupsValue(id));
        });
        return out;
    }

    public Built build(CheckAttributes c, Optional<Identity> identity) throws RejectedPathException {
        String path = normalizer.normalize(c.path().isEmpty() ? "/" : c.path()).path();
        String host = Hosts.normalize(c.host());
        Optional<RouteMatch> route = routes.match(c.method(), host, path);
        Destination d = destination(c, route);
        String principal = c.source().principal();
        if (principal.startsWith("spiffe://")) {
            principal = principal.substring("spiffe://".length());
        }
        PolicyRequest r = PolicyRequest.builder()
                .sourcePrincipal(principal.isEmpty() ? null : principal)
                .sourceIp(c.source().address().isEmpty() ? null : c.source().address())
                .remoteIp(remoteIp(c))
                .identity(identity.orElse(null))
                .method(c.method())
                .host(host)
                .path(path)
                .headers(upstreamHeaders(c.headers(), identity))
                .sni(c.sni().isEmpty() ? null : c.sni())
                .destination(d)
                .build();
        return new Built(r, route);
    }

    private Destination destination(CheckAttributes c, Optional<RouteMatch> route) {
        Map<String, String> ext = c.contextExtensions();
        int port = c.destination().port();
        String ip = c.destination().address();
        if (ext.containsKey(EXT_NAMESPACE)) {
            return new Destination(ext.get(EXT_NAMESPACE), ext.getOrDefault(EXT_SERVICE, ""),
                    labels(ext.getOrDefault(EXT_LABELS, "")), ip, port);
        }
        if (route.isPresent()) {
            Destination r = route.get().destination();
            return new Destination(r.namespace(), r.service(), r.labels(), ip, port);
        }
        return new Destination(fallback.namespace(), fallback.service().orElse(""), fallback.labels(), ip, port);
    }

    /** {@code remote.ip}: the first X-Forwarded-For hop, as Envoy computes it with one trusted hop; else the peer. */
    private static String remoteIp(CheckAttributes c) {
        String xff = c.header("x-forwarded-for");
        if (xff != null && !xff.isBlank()) {
            String first = xff.split(",")[0].trim();
            if (!first.isEmpty()) {
                return first;
            }
        }
        return c.source().address().isEmpty() ? null : c.source().address();
    }

    static Map<String, String> labels(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : spec.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
