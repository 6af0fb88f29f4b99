package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.IssuedTokens;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
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

    private record GrantKey(String grantType, Optional<String> subjectTokenType) {
    }

    private final Map<GrantKey, TokenGrant> grants = new HashMap<>();
    private final Set<String> grantTypes;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final ClientAuthentication clientAuthentication;
    private final TokenMinter minter;
    private final Issuer issuer;
    private final MeterRegistry metrics;
    private final CodeGrants codeGrants;

    public TokenEndpoint(@Any Instance<TokenGrant> grantBeans, ClientAuthentication clientAuthentication,
                         TokenMinter minter, Issuer issuer, MeterRegistry metrics, CodeGrants codeGrants) {
        for (TokenGrant g : grantBeans) {
            GrantKey k = new GrantKey(g.grantType(), g.subjectTokenType());
            TokenGrant previous = grants.put(k, g);
            if (previous != null) {
                throw new IllegalStateException("two token grants claim " + k + ": " + previous.getClass().getName()
                        + " and " + g.getClass().getName());
            }
        }
        this.grantTypes = grants.keySet().stream().map(GrantKey::grantType).collect(Collectors.toUnmodifiableSet());
        this.clientAuthentication = clientAuthentication;
        this.minter = minter;
        this.issuer = issuer;
        this.metrics = metrics;
        this.codeGrants = codeGrants;
    }

    void register(@Observes Router router) {
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::handle);
    }

    /** The grant types served, for discovery. */
    public List<String> grantTypes() {
        return grants.keySet().stream().map(GrantKey::grantType).distinct().sorted().toList();
    }

    /** A request whose client is authenticated and may use the grant it names: what is left is the grant itself. */
    private record Admitted(TokenGrant grant, TokenRequest request) {
    }

    /**
     * On the event loop: the form, client authentication and the grant's lookup need no I/O, and neither does a grant
     * that {@link TokenGrant#decideInProcess decides in process} (a device poll with the memory store, or one the
     * kubernetes store's watched copy answers), so a refusal
     * (authorization_pending, slow_down, a bad client) is answered here without waking a worker. Grants that call the
     * directory, the KDC or a shared store, and every minting, run on a worker, in any order.
     */
    private void handle(RoutingContext ctx) {
        String grantType = "";
        try {
            HttpServerRequest http = ctx.request();
            Map<String, String> params = OAuthForm.parse(http, ctx.body().asString(StandardCharsets.UTF_8.name()));
            grantType = params.getOrDefault("grant_type", "");
            Admitted admitted = admit(params, OAuthForm.headers(http), http);
            String type = grantType;
            Optional<GrantResult> decided = admitted.grant().decideInProcess(admitted.request());
            if (decided.isEmpty()) {
                onWorker(ctx, type, () -> issue(admitted.request(), admitted.grant().grant(admitted.request())));
                return;
            }
            onWorker(ctx, type, () -> issue(admitted.request(), decided.get()));
        } catch (OAuthException e) {
            refused(ctx, grantType, e);
        } catch (RuntimeException e) {
            failed(ctx, grantType, e);
        }
    }

    private interface Issuing {
        OAuthReply reply() throws OAuthException;
    }

    private void onWorker(RoutingContext ctx, String grantType, Issuing issuing) {
        ctx.vertx().executeBlocking(() -> {
            try {
                OAuthReply reply = issuing.reply();
                count(grantType, "issued");
                reply.write(ctx.response());
            } catch (OAuthException e) {
                refused(ctx, grantType, e);
            } catch (RuntimeException e) {
                failed(ctx, grantType, e);
            }
            return null;
        }, false);
    }

    private void refused(RoutingContext ctx, String grantType, OAuthException e) {
        count(grantType, e.error());
        LOG.debugf("token request refused: %s", e.getMessage());
        OAuthReply.error(e).write(ctx.response());
    }

    private void failed(RoutingContext ctx, String grantType, RuntimeException e) {
        count(grantType, "server_error");
        LOG.errorf("token endpoint failure for grant %s: %s", safe(grantType), e.toString());
        OAuthReply.error(new OAuthException("server_error", "internal error", 500)).write(ctx.response());
    }

    private Admitted admit(Map<String, String> params, Map<String, List<String>> headers, HttpServerRequest http)
            throws OAuthException {
        String grantType = params.getOrDefault("grant_type", "");
        OidcClient client = clientAuthentication.authenticate(params, headers);
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
        return new Admitted(grant, new TokenRequest(client, params, headers, address(http), iss));
    }

    private OAuthReply issue(TokenRequest request, GrantResult result) throws OAuthException {
        IssuedTokens tokens = mint(request.issuer(), request.client(), result);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.expiresInSeconds());
        tokens.idToken().ifPresent(t -> body.put("id_token", t));
        tokens.refreshToken().ifPresent(t -> body.put("refresh_token", t));
        body.put("scope", String.join(" ", tokens.scopes().stream().sorted().toList()));
        if (TokenExchangeGrant.GRANT_TYPE.equals(request.params().get("grant_type"))) {
            body.put("issued_token_type", TokenExchangeGrant.ACCESS_TOKEN_TYPE);
        }
        return new OAuthReply(200, body, result.responseHeaders());
    }

    /** The URL this endpoint was reached under, without its own path: what the issuer follows when not configured. */
    private static String requestBase(HttpServerRequest http) {
        String url = http.absoluteURI();
        int at = url.lastIndexOf(PATH);
        return at > 0 ? url.substring(0, at) : url;
    }

    private IssuedTokens mint(String iss, OidcClient client, GrantResult result) throws OAuthException {
        try {
            IssuedTokens tokens = minter.mint(iss, client, result, result.login());
            if (result.grant().isPresent() && codeGrants.revokedMeanwhile(result.grant().get())) {
                throw OAuthException.invalidGrant("unknown, used or expired code");
            }
            return tokens;
        } catch (RefreshTokens.RefusedException e) {
            throw RefreshTokenGrant.refused(e, client.id());
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
    }

    static String address(HttpServerRequest http) {
        return http != null && http.remoteAddress() != null ? http.remoteAddress().hostAddress() : "unknown";
    }

    private void count(String grantType, String outcome) {
        String grant = safe(grantType);
        // Both labels are bounded (known grant types, the RFC error codes), so is this map; it saves a registry
        // lookup per request.
        counters.computeIfAbsent(grant + ' ' + outcome, k -> metrics.counter("greenshank_bridge_token_requests_total",
                "grant_type", grant, "outcome", outcome)).increment();
    }

    /** Grant types reach metrics and logs; anything unknown collapses so a client cannot mint label values. */
    private String safe(String grantType) {
        return grantTypes.contains(grantType) ? grantType : "other";
    }
}
