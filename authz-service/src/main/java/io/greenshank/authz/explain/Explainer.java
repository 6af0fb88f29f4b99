package io.greenshank.authz.explain;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision.Denial;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.decision.RequestSyntax;
import io.greenshank.authz.path.Hosts;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.enforce.PolicyAuthorizer;
import io.greenshank.authz.route.RouteMatch;
import io.greenshank.authz.route.RejectedRouteException;
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

/**
 * Judges an {@link ExplainRequest} exactly as a Check would be judged, keeping every step: the screening (a method
 * or path that cannot be judged is a 400), the authentication baseline (an anonymous caller off the public paths
 * needs a credential: 401), policy (a refusal is a 403), and the Kubernetes RBAC step of the route (named, not
 * called). Never calls out.
 */
public final class Explainer {

    /**
     * The authentication settings a Check is judged under ({@code greenshank.policy.require-authentication},
     * {@code greenshank.authz.public-paths}, {@code greenshank.authz.mesh.authenticate-peers}).
     */
    public record Baseline(boolean requireAuthentication, PublicPaths publicPaths, boolean authenticatePeers) {

        /** The service's defaults. */
        public static final Baseline DEFAULT = new Baseline(true, new PublicPaths(List.of("/healthz", "/readyz")),
                false);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicySet policies;
    private final RouteTable routes;
    private final PathNormalizer normalizer;
    private final Destination fallback;
    private final Baseline baseline;

    public Explainer(PolicySet policies, RouteTable routes, PathNormalizer normalizer, Destination fallback) {
        this(policies, routes, normalizer, fallback, Baseline.DEFAULT);
    }

    public Explainer(PolicySet policies, RouteTable routes, PathNormalizer normalizer, Destination fallback,
                     Baseline baseline) {
        this.policies = policies;
        this.routes = routes;
        this.normalizer = normalizer;
        this.fallback = fallback;
        this.baseline = baseline;
    }

    public Explanation explain(ExplainRequest q) {
        String method = q.method() == null ? "GET" : q.method().toUpperCase(Locale.ROOT);
        String rawPath = q.path() == null ? "/" : q.path();
        if (!RequestSyntax.isMethod(method)) {
            return Explanation.refusedBeforePolicy(rawPath, "method '" + method + "' is not an HTTP token", fallback,
                    "method_invalid");
        }
        String path;
        try {
            path = normalizer.normalize(rawPath).path();
        } catch (RejectedPathException e) {
            return Explanation.refusedBeforePolicy(rawPath, e.getMessage(), fallback, "path_rejected");
        }
        Optional<RouteMatch> route;
        try {
            route = routes.match(method, host(q), path, CheckAttributes.splitTarget(rawPath)[1]);
        } catch (RejectedRouteException e) {
            return Explanation.refusedBeforePolicy(rawPath, e.getMessage(), fallback, e.reason());
        }
        Destination d;
        if (q.destination() != null && q.destination().namespace() != null) {
            ExplainRequest.DestinationSpec s = q.destination();
            d = new Destination(s.namespace(), s.service(), s.labels(), s.ip(), s.port() == null ? 0 : s.port());
        } else if (route.isPresent()) {
            d = route.get().destination();
        } else {
            d = fallback;
        }
        Optional<Identity> identity = identity(q, baseline.authenticatePeers());
        PolicyRequest r = PolicyRequest.builder().sourcePrincipal(q.sourcePrincipal()).sourceIp(q.sourceIp())
                .remoteIp(q.remoteIp()).identity(identity.orElse(null)).method(method).host(host(q)).path(path)
                .headers(lower(q.headers())).sni(q.sni()).destination(d).build();
        Decision decision = policies.evaluate(r, true);
        ResourceAttributes resource = route.flatMap(RouteMatch::resource).orElse(null);
        Map<String, Object> review = null;
        if (resource != null && identity.isPresent()) {
            review = JSON.convertValue(SubjectAccessReviewer.requestFor(ReviewSubject.of(identity.get()), resource),
                    new TypeReference<Map<String, Object>>() { });
        }
        int routeIndex = route.map(RouteMatch::index).orElse(-1);
        String publicPath = CheckAttributes.splitTarget(rawPath)[0];
        if (identity.isEmpty() && baseline.requireAuthentication() && !baseline.publicPaths().matches(publicPath)) {
            return new Explanation(path, "", routeIndex, d, decision, resource, review, 401,
                    Denial.CREDENTIAL_REQUIRED.tag(), "no_credentials", false);
        }
        if (!decision.allowed()) {
            return new Explanation(path, "", routeIndex, d, decision, resource, review, 403, Denial.POLICY.tag(),
                    PolicyAuthorizer.reason(decision), true);
        }
        if (resource != null && identity.isEmpty()) {
            return new Explanation(path, "", routeIndex, d, decision, resource, review, 401,
                    Denial.CREDENTIAL_REQUIRED.tag(), "rbac_requires_identity", true);
        }
        return new Explanation(path, "", routeIndex, d, decision, resource, review, 200, Denial.NONE.tag(),
                PolicyAuthorizer.reason(decision), true);
    }

    private static String host(ExplainRequest q) {
        return Hosts.normalize(q.host() == null ? "" : q.host());
    }

    private static Map<String, String> lower(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    private static Optional<Identity> identity(ExplainRequest q, boolean authenticatePeers) {
        if (q.user() == null || q.user().isBlank()) {
            return q.sourcePrincipal() == null || !authenticatePeers ? Optional.empty()
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
