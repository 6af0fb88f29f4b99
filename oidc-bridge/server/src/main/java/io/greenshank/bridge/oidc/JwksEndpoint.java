package io.greenshank.bridge.oidc;

import io.greenshank.bridge.keys.KeyManager;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /keys}: the published public keys, pre-serialised by the key manager, answered on the event loop: every
 * relying party and API server replica fetches them, and they need no blocking work.
 */
@ApplicationScoped
public class JwksEndpoint {

    static final String PATH = "/keys";

    private final KeyManager keys;

    public JwksEndpoint(KeyManager keys) {
        this.keys = keys;
    }

    void register(@Observes Router router) {
        router.route(PATH).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(keys.jwksJson()));
    }
}
