package io.greenshank.bridge.device;

import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.oidc.ClientAuthentication;
import io.greenshank.bridge.oidc.Issuer;
import io.greenshank.bridge.oidc.OAuthException;
import io.greenshank.bridge.oidc.OAuthForm;
import io.greenshank.bridge.oidc.OAuthReply;
import io.greenshank.bridge.oidc.Scopes;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code POST /device_authorization} (RFC 8628 §3.1–3.2): a client that may use the device grant gets a device code
 * to poll with and a user code for its user to enter at {@code /device}. Client authentication is the token
 * endpoint's; errors are RFC 6749 §5.2 JSON.
 */
@ApplicationScoped
public class DeviceAuthorizationEndpoint {

    private static final Logger LOG = Logger.getLogger(DeviceAuthorizationEndpoint.class);
    public static final String PATH = "/device_authorization";
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final ClientAuthentication clientAuthentication;
    private final DeviceCodes codes;
    private final Issuer issuer;
    private final MeterRegistry metrics;

    public DeviceAuthorizationEndpoint(ClientAuthentication clientAuthentication, DeviceCodes codes, Issuer issuer,
                                       MeterRegistry metrics) {
        this.clientAuthentication = clientAuthentication;
        this.codes = codes;
        this.issuer = issuer;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .blockingHandler(this::handle, false);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest http = ctx.request();
        OAuthReply reply;
        try {
            reply = start(OAuthForm.parse(http, ctx.body().asString(StandardCharsets.UTF_8.name())), http);
            count("issued");
        } catch (OAuthException e) {
            count(e.error());
            LOG.infof("device authorization refused: %s", e.getMessage());
            reply = OAuthReply.error(e);
        } catch (RuntimeException e) {
            count("server_error");
            LOG.errorf("device authorization failure: %s", e.toString());
            reply = OAuthReply.error(new OAuthException("server_error", "internal error", 500));
        }
        reply.write(ctx.response());
    }

    private OAuthReply start(Map<String, String> params, HttpServerRequest http) throws OAuthException {
        OidcClient client = clientAuthentication.authenticate(params, OAuthForm.headers(http));
        if (!client.allowsGrant(DeviceCodeGrant.GRANT_TYPE)) {
            throw OAuthException.unauthorizedClient("this client may not use the device authorization grant");
        }
        DeviceCodes.Started s;
        try {
            s = codes.start(client.id(), Scopes.parse(Optional.ofNullable(params.get("scope"))));
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
        String iss = issuer.of(requestBase(http));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_code", s.deviceCode());
        body.put("user_code", s.userCode());
        body.put("verification_uri", iss + DeviceEndpoint.PATH);
        body.put("verification_uri_complete", iss + DeviceEndpoint.PATH + "?user_code=" + s.userCode());
        body.put("expires_in", s.expiresInSeconds());
        body.put("interval", s.intervalSeconds());
        LOG.infof("device code started for client %s", client.id());
        return new OAuthReply(200, body, Map.of());
    }

    private static String requestBase(HttpServerRequest http) {
        String url = http.absoluteURI();
        int at = url.lastIndexOf(PATH);
        return at > 0 ? url.substring(0, at) : url;
    }

    private void count(String outcome) {
        metrics.counter("greenshank_bridge_device_authorizations_total", "outcome", outcome).increment();
    }
}
