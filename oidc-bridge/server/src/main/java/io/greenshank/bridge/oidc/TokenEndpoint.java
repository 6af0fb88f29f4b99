package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.IssuedTokens;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code POST /token}: authenticates the client, dispatches to the {@link TokenGrant} bean for the grant type,
 * and mints. Every failure is an RFC 6749 §5.2 JSON error without internals.
 */
@Path("/token")
public class TokenEndpoint {

    private static final Logger LOG = Logger.getLogger(TokenEndpoint.class);

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

    /** The grant types served, for discovery. */
    public List<String> grantTypes() {
        return grants.keySet().stream().map(GrantKey::grantType).distinct().sorted().toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form, @Context HttpHeaders headers, @Context UriInfo uri,
                          @Context HttpServerRequest http) {
        String grantType = Optional.ofNullable(form.getFirst("grant_type")).orElse("");
        try {
            Map<String, String> params = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : form.entrySet()) {
                if (e.getValue().size() > 1) {
                    throw OAuthException.invalidRequest("parameter " + e.getKey() + " repeated");
                }
                params.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
            }
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
            String iss = issuer.of(uri);
            TokenRequest request = new TokenRequest(client, params, headers.getRequestHeaders(), address(http), iss);
            GrantResult result = grant.grant(request);
            boolean exchange = TokenExchangeGrant.GRANT_TYPE.equals(grantType);
            IssuedTokens tokens = mint(iss, client, result);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", tokens.accessToken());
            body.put("token_type", "Bearer");
            body.put("expires_in", tokens.expiresInSeconds());
            tokens.idToken().ifPresent(t -> body.put("id_token", t));
            tokens.refreshToken().ifPresent(t -> body.put("refresh_token", t));
            body.put("scope", String.join(" ", tokens.scopes()));
            if (exchange) {
                body.put("issued_token_type", TokenExchangeGrant.ACCESS_TOKEN_TYPE);
            }
            count(grantType, "issued");
            Response.ResponseBuilder rb = Response.ok(body).header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache");
            result.responseHeaders().forEach(rb::header);
            return rb.build();
        } catch (OAuthException e) {
            count(grantType, e.error());
            LOG.debugf("token request refused: %s", e.getMessage());
            return error(e);
        } catch (RuntimeException e) {
            count(grantType, "server_error");
            LOG.errorf("token endpoint failure for grant %s: %s", safe(grantType), e.toString());
            return error(new OAuthException("server_error", "internal error", 500));
        }
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

    static Response error(OAuthException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.description());
        Response.ResponseBuilder rb = Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(body)
                .header("Cache-Control", "no-store").header("Pragma", "no-cache");
        e.headers().forEach(rb::header);
        return rb.build();
    }

    private OidcClient authenticateClient(Map<String, String> params, HttpHeaders headers) throws OAuthException {
        String authz = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
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

    private static String[] basic(String b64) throws OAuthException {
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
