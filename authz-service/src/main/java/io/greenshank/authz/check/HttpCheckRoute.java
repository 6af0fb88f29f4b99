package io.greenshank.authz.check;

import io.greenshank.authz.config.AuthzConfig;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import io.greenshank.authz.mesh.ForwardedClientCert;
import io.greenshank.authz.mesh.ForwardedFor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Envoy's HTTP ext_authz protocol ({@code http_service}): Envoy sends the original method, {@code path_prefix} +
 * original path, and headers; 200 allows, and the identity headers in our response are copied upstream (list them in
 * {@code allowed_upstream_headers}); {@code x-envoy-auth-headers-to-remove} names the client copies to strip; any
 * other status is the client's deny response. The protocol carries no peer address: {@code source.ip} comes only from
 * {@code greenshank.authz.mesh.http-peer-address-header}, when configured.
 */
@ApplicationScoped
public class HttpCheckRoute {

    static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";
    static final String XFCC = "x-forwarded-client-cert";

    @Inject
    CheckDispatcher dispatcher;

    @Inject
    AuthzConfig config;

    void register(@Observes Router router) {
        String prefix = config.httpPathPrefix();
        boolean trustXfcc = config.mesh().trustForwardedClientCert();
        String peerHeader = config.mesh().httpPeerAddressHeader().map(n -> n.toLowerCase(Locale.ROOT)).orElse(null);
        router.route(prefix + "/*").order(-1000).handler(ctx -> handle(ctx, prefix, trustXfcc, peerHeader));
    }

    private void handle(RoutingContext ctx, String prefix, boolean trustXfcc, String peerHeader) {
        HttpServerRequest req = ctx.request();
        CheckAttributes attributes;
        boolean peerInvalid = false;
        try {
            attributes = toAttributes(req, prefix);
            if (peerHeader != null) {
                String peer = attributes.header(peerHeader);
                if (peer != null) {
                    String address = peer.trim();
                    if (ForwardedFor.isIpLiteral(address)) {
                        attributes = attributes.withSourceAddress(address);
                    } else {
                        peerInvalid = true;
                    }
                }
            }
        } catch (RuntimeException e) {
            attributes = new CheckAttributes("http", "", "", "", "", "", null, null, null, "", null);
        }
        CompletionStage<Decision> decided;
        String xfcc = trustXfcc ? attributes.header(XFCC) : null;
        if (peerInvalid) {
            // The configured header is Envoy's to set: a value that is not one address means it is not (only) Envoy's.
            decided = dispatcher.refuse(attributes, "peer_address_invalid");
        } else if (xfcc == null) {
            decided = dispatcher.check(attributes);
        } else {
            try {
                String peer = ForwardedClientCert.parse(xfcc).peerUri().orElse("");
                attributes = attributes.withSourcePrincipal(peer);
                decided = dispatcher.check(attributes);
            } catch (ForwardedClientCert.MalformedException e) {
                decided = dispatcher.refuse(attributes, "xfcc_malformed");
            }
        }
        CheckAttributes a = attributes;
        decided.whenComplete((d, failure) -> {
            Decision decision = d != null ? d : dispatcher.engine().error(a, "internal_error");
            try {
                write(ctx.response(), decision);
            } catch (RuntimeException e) {
                if (!ctx.response().ended()) {
                    ctx.response().setStatusCode(500).end();
                }
            }
        });
    }

    static CheckAttributes toAttributes(HttpServerRequest req, String prefix) {
        return toAttributes(req.method().name(), req.uri(), req.headers(),
                req.authority() == null ? "" : req.authority().toString(), prefix);
    }

    /** The request as Vert.x decoded it, read into attributes; {@code authority} is HTTP/2's {@code :authority}. */
    static CheckAttributes toAttributes(String method, String uri, Iterable<Map.Entry<String, String>> requestHeaders,
                                        String authority, String prefix) {
        String target = uri.length() > prefix.length() ? uri.substring(prefix.length()) : "/";
        if (!target.startsWith("/")) {
            target = "/" + target;
        }
        String[] pathQuery = CheckAttributes.splitTarget(target);
        Map<String, String> headers = new HashMap<>();
        requestHeaders.forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (x, y) -> x + "," + y));
        String host = headers.get("host");
        if (host == null) {
            host = authority; // HTTP/2 carries :authority instead
        }
        String scheme = headers.getOrDefault("x-forwarded-proto", "");
        // Envoy's http_service sends the request's method, path and headers, never the peer's address: source.ip is
        // unknown unless greenshank.authz.mesh.http-peer-address-header names a header Envoy sets (see handle). No
        // client-writable header (x-envoy-external-address, x-forwarded-for, x-real-ip) is taken for it.
        return new CheckAttributes("http", method, scheme, host, pathQuery[0], pathQuery[1], headers,
                CheckAttributes.Peer.UNKNOWN, null, "", null);
    }

    static void write(HttpServerResponse resp, Decision d) {
        if (resp.ended()) {
            return;
        }
        resp.setStatusCode(d.status());
        if (d.allowed()) {
            d.upstreamSet().forEach(resp::putHeader);
            if (!d.upstreamRemove().isEmpty()) {
                resp.putHeader(HEADERS_TO_REMOVE, String.join(",", d.upstreamRemove()));
            }
            resp.end();
            return;
        }
        d.clientHeaders().forEach(resp::putHeader);
        if (!d.body().isEmpty()) {
            resp.putHeader("content-type", "application/json");
            resp.end(d.body());
        } else {
            resp.end();
        }
    }
}
