package io.greenshank.authz.explain;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenshank.authz.path.Hosts;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.route.RouteMatch;
import io.greenshank.authz.route.RouteTable;
import io.greenshank.authz.sar.ResourceAttributes;
import io.greenshank.authz.sar.ReviewSubject;
import io.greenshank.authz.sar.SubjectAccessReviewer;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.SpiffeId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Judges an {@link ExplainRequest} exactly as a Check would be judged, keeping every step. Never calls out. */
public final class Explainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicySet policies;
    private final RouteTable routes;
    private final PathNormalizer normalizer;
    private final Destination fallback;

    public Explainer(PolicySet policies, RouteTable routes, PathNormalizer normalizer, Destination fallback) {
        this.policies = policies;
        this.routes = routes;
        this.normalizer = normalizer;
        this.fallback = fallback;
    }

    public Explanation explain(ExplainRequest q) {
        String method = q.method() == null ? "GET" : q.method().toUpperCase(Locale.ROOT);
        String host = Hosts.normalize(q.host() == null ? "" : q.host());
        String path;
        try {
            path = normalizer.normalize(q.path() == null ? "/" : q.path()).path();
        } catch (RejectedPathException e) {
            return new Explanation(String.valueOf(q.path()), e.getMessage(), -1, fallback,
                    new Decision(false, null, "", -1, "path-rejected", e.getMessage(), false, List.of()), null, null);
        }
        Optional<RouteMatch> route = routes.match(method, host, path);
        Destination d;
        if (q.destination() != null && q.destination().namespace() != null) {
            ExplainRequest.DestinationSpec s = q.destination();
            d = new Destination(s.namespace(), s.service(), s.labels(), s.ip(), s.port() == null ? 0 : s.port());
        } else if (route.isPresent()) {
            d = route.get().destination();
        } else {
            d = fallback;
        }
        Optional<Identity> identity = identity(q);
        PolicyRequest r = PolicyRequest.builder().sourcePrincipal(q.sourcePrincipal()).sourceIp(q.sourceIp())
                .remoteIp(q.remoteIp()).identity(identity.orElse(null)).method(method).host(host).path(path)
                .headers(lower(q.headers())).sni(q.sni()).destination(d).build();
        Decision decision = policies.evaluate(r, true);
        ResourceAttributes resource = route.flatMap(RouteMatch::resource).orElse(null);
        Map<String, Object> review = null;
        if (resource != null && identity.isPresent()) {
            review = JSON.convertValue(SubjectAccessReviewer.requestFor(ReviewSubject.of(identity.get()), resource),
                    new TypeReference<Map<String, Object>>() { });
        }
        return new Explanation(path, "", route.map(RouteMatch::index).orElse(-1), d, decision, resource, review);
    }

    private static Map<String, String> lower(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    private static Optional<Identity> identity(ExplainRequest q) {
        if (q.user() == null || q.user().isBlank()) {
            return q.sourcePrincipal() == null ? Optional.empty()
                    : SpiffeId.parse(q.sourcePrincipal()).map(Identity::ofMeshPeer);
        }
        boolean token = q.issuer() != null && !q.issuer().isBlank();
        return Optional.of(new Identity(q.user(), q.groups() == null ? List.of() : q.groups(),
                Optional.ofNullable(q.issuer()), Optional.ofNullable(q.subject()),
                Optional.ofNullable(q.sourcePrincipal()).flatMap(SpiffeId::parse),
                token ? AuthMethod.JWT : AuthMethod.TRUSTED_HEADER,
                token && q.claims() != null ? q.claims() : Map.of(), Optional.empty()));
    }
}
