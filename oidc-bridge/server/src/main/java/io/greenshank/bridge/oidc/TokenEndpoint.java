package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.IssuedTokens;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code POST /token}: authenticates the client, dispatches to the {@link TokenGrant} bean for the grant type,
 * and mints. Every failure is an RFC 6749 §5.2 JSON error without internals.
 *
 * <p>A Vert.x route rather than a JAX-RS resource: this is the bridge's busiest endpoint, and the form in and the
 * JSON out need none of the content negotiation and provider lookups a resource method pays on every request.
 */
@ApplicationScoped
public class TokenEndpoint {

    private static final Logger LOG = Logger.getLogger(TokenEndpoint.class);
    static final String PATH = "/token";
    /** Room for a Kerberos ticket from a user in many AD groups (AD's MaxTokenSize is 48 KB before base64). */
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final String FORM = "application/x-www-form-urlencoded";

    private record GrantKey(String grantType, Optional<String> subjectTokenType) {
    }

    private final Map<GrantKey, TokenGrant> grants = new HashMap<>();
    private final ClientRegistry clients;
    private final TokenMinter minter;
    private final Issuer issuer;
    private final MeterRegistry metrics;

    public TokenEndpoint(@Any Instance<TokenGrant> grantBeans, ClientRegistry clients, TokenMinter minter,
                         Issuer issuer, MeterRegistry metrics) {
        for (TokenGrant g : grantBeans) {
            GrantKey k = new GrantKey(g.grantType(), g.subjectTokenType());
            TokenGrant previous = grants.put(k, g);
            if (previous != null) {
                throw new IllegalStateException("two token grants claim " + k + ": " + previous.getClass().getName()
                        + " and " + g.getClass().getName());
            }
        }
        this.clients = clients;
        this.minter = minter;
        this.issuer = issuer;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        // Grants call the directory, the KDC's keys and the session store: off the event loop, in any order.
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .blockingHandler(this::handle, false);
    }

    /** The grant types served, for discovery. */
    public List<String> grantTypes() {
        return grants.keySet().stream().map(GrantKey::grantType).distinct().sorted().toList();
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest http = ctx.request();
        String grantType = "";
        Reply reply;
        try {
            Map<String, String> params = form(http.getHeader("Content-Type"), ctx.body().asString(StandardCharsets.UTF_8.name()));
            grantType = params.getOrDefault("grant_type", "");
            reply = token(params, headers(http), http);
            count(grantType, "issued");
        } catch (OAuthException e) {
            count(grantType, e.error());
            LOG.debugf("token request refused: %s", e.getMessage());
            reply = Reply.error(e);
        } catch (RuntimeException e) {
            count(grantType, "server_error");
            LOG.errorf("token endpoint failure for grant %s: %s", safe(grantType), e.toString());
            reply = Reply.error(new OAuthException("server_error", "internal error", 500));
        }
        reply.write(ctx.response());
    }

    /** The form's parameters, each at most once (RFC 6749 §3.2); the body must be a form. */
    static Map<String, String> form(String contentType, String body) throws OAuthException {
        String type = Optional.ofNullable(contentType).orElse("");
        int semi = type.indexOf(';');
        if (!(semi < 0 ? type : type.substring(0, semi)).trim().equalsIgnoreCase(FORM)) {
            throw OAuthException.invalidRequest("the token request must be " + FORM);
        }
        Map<String, List<String>> decoded;
        try {
            decoded = QueryStringDecoder.builder().hasPath(false).semicolonIsNormalChar(true).build(
                    body == null ? "" : body).parameters();
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the form is not valid application/x-www-form-urlencoded");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : decoded.entrySet()) {
            if (e.getValue().size() > 1) {
                throw OAuthException.invalidRequest("parameter " + e.getKey() + " repeated");
            }
            params.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
        }
        return params;
    }

    private static Map<String, List<String>> headers(HttpServerRequest http) {
        Map<String, List<String>> out = new HashMap<>();
        http.headers().forEach(h -> out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(h.getValue()));
        return out;
    }

    private Reply token(Map<String, String> params, Map<String, List<String>> headers, HttpServerRequest http)
            throws OAuthException {
        String grantType = params.getOrDefault("grant_type", "");
        OidcClient client = authenticateClient(params, headers);
        if (grantType.isEmpty()) {
            throw OAuthException.invalidRequest("missing grant_type");
        }
        Optional<String> stt = TokenExchangeGrant.GRANT_TYPE.equals(grantType)
                ? Optional.ofNullable(params.get("subject_token_type")) : Optional.empty();
        TokenGrant grant = grants.get(new GrantKey(grantType, stt));
        if (grant == null) {
            if (stt.isPresent() && grants.keySet().stream().anyMatch(k -> k.grantType().equals(grantType))) {
                throw OAuthException.invalidRequest("unsupported subject_token_type");
            }
            throw OAuthException.unsupportedGrantType("unsupported grant_type");
        }
        if (!client.allowsGrant(grantType)) {
            throw OAuthException.unauthorizedClient("this client may not use " + grantType);
        }
        String iss = issuer.of(requestBase(http));
        TokenRequest request = new TokenRequest(client, params, headers, address(http), iss);
        GrantResult result = grant.grant(request);
        IssuedTokens tokens = mint(iss, client, result);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.expiresInSeconds());
        tokens.idToken().ifPresent(t -> body.put("id_token", t));
        tokens.refreshToken().ifPresent(t -> body.put("refresh_token", t));
        body.put("scope", String.join(" ", tokens.scopes().stream().sorted().toList()));
        if (TokenExchangeGrant.GRANT_TYPE.equals(grantType)) {
            body.put("issued_token_type", TokenExchangeGrant.ACCESS_TOKEN_TYPE);
        }
        return new Reply(200, body, result.responseHeaders());
    }

    /** The URL this endpoint was reached under, without its own path: what the issuer follows when not configured. */
    private static String requestBase(HttpServerRequest http) {
        String url = http.absoluteURI();
        int at = url.lastIndexOf(PATH);
        return at > 0 ? url.substring(0, at) : url;
    }

    private IssuedTokens mint(String iss, OidcClient client, GrantResult result) throws OAuthException {
        try {
            return minter.mint(iss, client, result, result.login());
        } catch (RefreshTokens.RefusedException e) {
            throw RefreshTokenGrant.refused(e, client.id());
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
    }

    /** A token response or RFC 6749 §5.2 error: never cached, always JSON. */
    private record Reply(int status, Map<String, Object> body, Map<String, String> headers) {

        static Reply error(OAuthException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.error());
            body.put("error_description", e.description());
            return new Reply(e.status(), body, e.headers());
        }

        void write(HttpServerResponse response) {
            response.setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Pragma", "no-cache");
            headers.forEach(response::putHeader);
            response.end(new JsonObject(body).toBuffer());
        }
    }

    private OidcClient authenticateClient(Map<String, String> params, Map<String, List<String>> headers)
            throws OAuthException {
        List<String> authorization = headers.getOrDefault("authorization", List.of());
        String authz = authorization.isEmpty() ? null : authorization.get(0);
        String formId = params.get("client_id");
        String formSecret = params.get("client_secret");
        if (authz != null && authz.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (formSecret != null) {
                throw OAuthException.invalidRequest("use one client authentication method");
            }
            String[] idSecret = basic(authz.substring(6).trim());
            OidcClient c = clients.find(idSecret[0]).orElseThrow(
                    () -> OAuthException.invalidClient("client authentication failed"));
            if (formId != null && !formId.equals(c.id())) {
                throw OAuthException.invalidClient("client authentication failed");
            }
            if (!ClientRegistry.secretMatches(c, idSecret[1])) {
                throw OAuthException.invalidClient("client authentication failed");
            }
            return c;
        }
        // Other Authorization schemes (Negotiate) carry the user's credential, not the client's.
        OidcClient c = clients.find(formId).orElseThrow(
                () -> OAuthException.invalidClient("client authentication failed"));
        if (c.isPublic()) {
            if (formSecret != null) {
                throw OAuthException.invalidClient("client authentication failed");
            }
            return c;
        }
        if (!ClientRegistry.secretMatches(c, formSecret)) {
            throw OAuthException.invalidClient("client authentication failed");
        }
        return c;
    }

    static String[] basic(String b64) throws OAuthException {
        try {
            String s = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            int i = s.indexOf(':');
            if (i < 0) {
                throw OAuthException.invalidClient("client authentication failed");
            }
            return new String[] {URLDecoder.decode(s.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(s.substring(i + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("client authentication failed");
        }
    }

    static String address(HttpServerRequest http) {
        return http != null && http.remoteAddress() != null ? http.remoteAddress().hostAddress() : "unknown";
    }

    private void count(String grantType, String outcome) {
        metrics.counter("greenshank_bridge_token_requests_total", "grant_type", safe(grantType),
                "outcome", outcome).increment();
    }

    /** Grant types reach metrics and logs; anything unknown collapses so a client cannot mint label values. */
    private String safe(String grantType) {
        return grants.keySet().stream().anyMatch(k -> k.grantType().equals(grantType))
                ? grantType : "other";
    }
}
