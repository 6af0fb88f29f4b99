package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.mesh.ForwardedFor;
import io.greenshank.authz.path.Hosts;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.route.RejectedRouteException;
import io.greenshank.authz.route.RouteMatch;
import io.greenshank.authz.route.RouteTable;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the engine's request from a Check: normalized path, the source principal in Istio's scheme-less form,
 * {@code source.ip} (the direct peer) and {@code remote.ip} (see {@link #remoteIp}), and the destination from (in
 * order) the route's {@code context_extensions}, the route table, or the sidecar's own configured workload.
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
    private final int xffNumTrustedHops;

    public PolicyRequests(PathNormalizer normalizer, RouteTable routes, PolicyConfig.Destination fallback,
                          IdentityHeaders identityHeaders) {
        this(normalizer, routes, fallback, identityHeaders, 0);
    }

    /**
     * @param xffNumTrustedHops {@code greenshank.authz.mesh.xff-num-trusted-hops}: the calling Envoy's
     *                          {@code xff_num_trusted_hops}; 0 makes {@code remote.ip} the direct peer
     */
    public PolicyRequests(PathNormalizer normalizer, RouteTable routes, PolicyConfig.Destination fallback,
                          IdentityHeaders identityHeaders, int xffNumTrustedHops) {
        if (xffNumTrustedHops < 0) {
            throw new IllegalArgumentException("xff-num-trusted-hops must be 0 or more, not " + xffNumTrustedHops);
        }
        this.normalizer = normalizer;
        this.routes = routes;
        this.fallback = fallback;
        this.identityHeaders = identityHeaders;
        this.xffNumTrustedHops = xffNumTrustedHops;
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

    public Built build(CheckAttributes c, Optional<Identity> identity)
            throws RejectedPathException, RejectedRouteException {
        return build(c, identity, normalize(c));
    }

    /** The Check's path as policies judge it. */
    public String normalize(CheckAttributes c) throws RejectedPathException {
        return normalizer.normalize(c.path().isEmpty() ? "/" : c.path()).path();
    }

    /** Builds the request with the path already normalized by {@link #normalize}. */
    public Built build(CheckAttributes c, Optional<Identity> identity, String path) throws RejectedRouteException {
        String host = Hosts.normalize(c.host());
        Optional<RouteMatch> route = routes.match(c.method(), host, path, c.query());
        Destination d = destination(c, route);
        String principal = c.source().principal();
        if (principal.startsWith("spiffe://")) {
            principal = principal.substring("spiffe://".length());
        }
        PolicyRequest r = PolicyRequest.builder()
                .sourcePrincipal(principal.isEmpty() ? null : principal)
                .sourceIp(c.source().address().isEmpty() ? null : c.source().address())
                .remoteIp(remoteIp(c, xffNumTrustedHops))
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

    /**
     * {@code remote.ip} / {@code remoteIpBlocks}: the original client address as the calling Envoy's HTTP connection
     * manager computes it (envoyproxy/envoy {@code ConnectionManagerUtility::mutateRequestHeaders} with
     * {@code Utility::getLastAddressFromXFF}), never the first {@code x-forwarded-for} entry, which the client writes.
     *
     * <p>With {@code hops} = 0, the direct peer ({@code source.ip}). With {@code hops} = N &gt; 0, the entry N places
     * from the right of the header as it reaches us (skip the N rightmost entries, take the next). That is the entry
     * Envoy picked when its {@code xff_num_trusted_hops} is N, in both of its modes: with
     * {@code use_remote_address: false} Envoy skips N entries of this same header; with
     * {@code use_remote_address: true} (Istio gateways) it takes the N-th entry from the right of the header it
     * received and then appends its own peer, which moves that entry to N places from the right here. A list too
     * short, or an entry that is not an IP literal, falls back to the peer, as Envoy falls back to the connection's
     * address.
     */
    static String remoteIp(CheckAttributes c, int hops) {
        if (hops > 0) {
            String trusted = ForwardedFor.entryFromRight(c.header("x-forwarded-for"), hops);
            if (trusted != null) {
                return trusted;
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
