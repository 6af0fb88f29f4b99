package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.config.AuthzConfig;
import io.greenshank.authz.decision.AuthenticatedOrPublicAuthorizer;
import io.greenshank.authz.decision.AuthorizationResult;
import io.greenshank.authz.decision.Authorizer;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.TraceEntry;
import io.greenshank.authz.policy.legacy.LegacyRbac;
import io.greenshank.authz.route.RouteMatch;
import io.greenshank.authz.route.RejectedRouteException;
import io.greenshank.authz.sar.ResourceAttributes;
import io.greenshank.authz.sar.ReviewDecision;
import io.greenshank.authz.sar.ReviewSubject;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import io.quarkus.arc.ClientProxy;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The sidecar's authorization stage: path normalization (a path that cannot be judged is a 400), the authentication
 * baseline (anonymous callers only on public paths), then Istio policy over the normalized request, then, where the
 * route names a Kubernetes resource, RBAC through a SubjectAccessReview. Replaces the default
 * {@link AuthenticatedOrPublicAuthorizer}.
 */
@ApplicationScoped
public class PolicyAuthorizer implements Authorizer {

    private static final Logger LOG = Logger.getLogger("greenshank.policy");

    @Inject
    PolicyRuntime runtime;

    @Inject
    PolicyMetrics metrics;

    @Inject
    AuthzConfig authz;

    /**
     * Both are application-scoped (one instance each): on the Check hot path they are called directly, not through
     * their client proxies, which cost a context lookup per call (about six per Check).
     */
    @PostConstruct
    void unwrapProxies() {
        runtime = ClientProxy.unwrap(runtime);
        metrics = ClientProxy.unwrap(metrics);
    }

    private volatile AuthenticatedOrPublicAuthorizer baseline;
    private volatile PolicyRequests requests;

    private AuthenticatedOrPublicAuthorizer baseline() {
        if (baseline == null) {
            baseline = new AuthenticatedOrPublicAuthorizer(new PublicPaths(authz.publicPaths()));
        }
        return baseline;
    }

    private PolicyRequests requests() {
        if (requests == null) {
            AuthzConfig.Headers h = authz.headers();
            requests = new PolicyRequests(runtime.normalizer(), runtime.routes(), runtime.config().destination(),
                    new IdentityHeaders(h.user(), h.groups(), h.userPrefix().orElse("")),
                    authz.mesh().xffNumTrustedHops());
        }
        return requests;
    }

    @Override
    public boolean mayBlock() {
        return runtime.config().enabled() && runtime.reviewsResources();
    }

    /**
     * The path first (a path that cannot be judged is a 400 whoever asks), then the authentication baseline (an
     * anonymous caller off the public paths needs a credential: 401), then policy (a refusal is a 403), then RBAC
     * (an anonymous caller on a route that needs a SubjectAccessReview needs a credential: 401).
     */
    @Override
    public AuthorizationResult authorize(CheckAttributes request, Optional<Identity> identity) {
        PolicyConfig config = runtime.config();
        if (!config.enabled()) {
            return baseline().authorize(request, identity);
        }
        String path;
        try {
            path = requests().normalize(request);
        } catch (RejectedPathException e) {
            metrics.pathRejected();
            LOG.debugf("path rejected before policy: %s", e.getMessage());
            return AuthorizationResult.badRequest("path_rejected");
        }
        AuthorizationResult base = baseline().authorize(request, identity);
        if (config.requireAuthentication() && !base.allowed()) {
            return base;
        }
        if (!runtime.routesProblem().isEmpty()) {
            return AuthorizationResult.deny("route_table_unreadable", "");
        }
        PolicyRequests.Built built;
        try {
            built = requests().build(request, identity, path);
        } catch (RejectedRouteException e) {
            metrics.routeRejected(e.reason());
            LOG.infof("route variables unreadable, request refused (%s): %s", e.reason(), e.getMessage());
            return AuthorizationResult.badRequest(e.reason());
        }
        Decision d = runtime.policies().evaluate(built.request());
        metrics.record(d);
        logShadowResults(d, built);
        String policy = d.policy().isEmpty() ? "" : d.policy() + (d.rule() >= 0 ? "#" + d.rule() : "");
        if (!d.allowed()) {
            LOG.debugf("policy deny: %s", d.message());
            return AuthorizationResult.deny(reason(d), policy);
        }
        Optional<ResourceAttributes> resource = built.route().flatMap(RouteMatch::resource);
        if (resource.isEmpty()) {
            // With no policy in scope, the authentication baseline is what let the request through: say so.
            return d.reason().equals("no-allow-policy") && base.allowed() ? base : AuthorizationResult.allow(reason(d), policy);
        }
        if (identity.isEmpty()) {
            return AuthorizationResult.credentialRequired("rbac_requires_identity",
                    "route#" + built.route().get().index());
        }
        ReviewDecision review = runtime.reviewer().review(ReviewSubject.of(identity.get()), resource.get());
        metrics.review(review);
        String rbac = "rbac:" + resource.get().verb() + " " + resource.get().resource()
                + (resource.get().namespace().isEmpty() ? "" : " in " + resource.get().namespace());
        if (review.unavailable()) {
            return AuthorizationResult.deny("authorization_backend_unavailable", rbac);
        }
        return review.allowed() ? AuthorizationResult.allow("rbac_allowed", rbac)
                : AuthorizationResult.deny("rbac_denied", rbac);
    }

    /** Dry-run policies and PERMISSIVE legacy RBAC are evaluated and logged, never enforced. */
    private void logShadowResults(Decision d, PolicyRequests.Built built) {
        for (int i = 0; i < d.trace().size(); i++) {
            TraceEntry t = d.trace().get(i);
            if (t.dryRun() && t.matched() && !t.model().equals(LegacyRbac.MODEL_CONFIG)) {
                metrics.dryRun(t);
                LOG.infof("dry-run %s %s %s matched rule %d for %s %s%s (not enforced)", t.model(), t.policy(),
                        t.action(), t.rule(), built.request().method(), built.request().host(), built.request().path());
            }
        }
        if (d.reason().equals("legacy-permissive")) {
            LOG.infof("%s for %s %s%s (not enforced)", d.message(), built.request().method(), built.request().host(),
                    built.request().path());
        }
    }

    /** The reason code a policy decision is logged and counted under. */
    public static String reason(Decision d) {
        return switch (d.reason()) {
            case "denied-by-policy" -> "policy_denied";
            case "no-allow-policy-matched" -> "policy_no_match";
            case "allowed-by-policy" -> "policy_allowed";
            case "no-allow-policy" -> "no_allow_policy";
            case "legacy-permissive" -> "policy_permissive";
            default -> d.reason().replace('-', '_');
        };
    }
}
