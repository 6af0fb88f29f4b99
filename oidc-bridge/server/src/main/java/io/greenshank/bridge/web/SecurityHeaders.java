package io.greenshank.bridge.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers every bridge response carries unless the page chose stricter or more specific ones: no framing
 * (clickjacking of the login and device forms), no MIME sniffing, no referrer (the authorization request's query,
 * a user code, would otherwise leak to whatever a page links to), and a CSP that allows nothing but same-origin
 * form posts. Pages with inline styles or a form that redirects set their own CSP, always with
 * {@code frame-ancestors 'none'}. Quarkus's own {@code /q/} endpoints keep theirs.
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";

    void register(@Observes Router router) {
        router.route().order(-1000).handler(ctx -> {
            if (!ctx.normalizedPath().startsWith("/q/")) {
                ctx.addHeadersEndHandler(v -> apply(ctx.response()));
            }
            ctx.next();
        });
    }

    static void apply(HttpServerResponse r) {
        setIfAbsent(r, "X-Content-Type-Options", "nosniff");
        setIfAbsent(r, "Referrer-Policy", "no-referrer");
        setIfAbsent(r, "X-Frame-Options", "DENY");
        setIfAbsent(r, "Content-Security-Policy", DEFAULT_CSP);
    }

    private static void setIfAbsent(HttpServerResponse r, String name, String value) {
        if (r.headers().get(name) == null) {
            r.putHeader(name, value);
        }
    }

    /** The CSP of a page with inline styles whose form may post to {@code formTargets} besides this origin. */
    public static String pageCsp(String formTargets) {
        return "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
                + "form-action 'self'" + (formTargets.isEmpty() ? "" : " " + formTargets);
    }
}
