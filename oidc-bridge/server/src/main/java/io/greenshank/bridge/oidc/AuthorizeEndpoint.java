package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.login.BrowserAuthenticator;
import io.greenshank.bridge.login.LoginPage;
import io.greenshank.bridge.oidc.AuthorizationRequests.Pending;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import io.greenshank.bridge.web.BrowserBinding;
import io.greenshank.bridge.web.Redirects;
import io.greenshank.bridge.web.SecurityHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code /authorize}: the code flow. A valid request is sealed into the login form ({@link AuthorizationRequests}),
 * so a form post cannot alter the client, redirect URI or PKCE challenge, and may reach any replica; {@link FormLogin}
 * handles the post.
 */
@Path("/authorize")
public class AuthorizeEndpoint {

    private static final Logger LOG = Logger.getLogger(AuthorizeEndpoint.class);

    private final AuthorizationRequests requests;
    private final ClientRegistry clients;
    private final AuthorizationCodes codes;
    private final FormLogin formLogin;
    private final Instance<BrowserAuthenticator> authenticators;
    private final Issuer issuer;

    public AuthorizeEndpoint(ClientRegistry clients, AuthorizationRequests requests, AuthorizationCodes codes,
                             FormLogin formLogin, @Any Instance<BrowserAuthenticator> authenticators, Issuer issuer) {
        this.clients = clients;
        this.requests = requests;
        this.codes = codes;
        this.formLogin = formLogin;
        this.authenticators = authenticators;
        this.issuer = issuer;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response authorize(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest http,
                              @CookieParam(BrowserBinding.COOKIE) String csrfCookie) {
        var q = uri.getQueryParameters();
        Optional<OidcClient> client = clients.find(q.getFirst("client_id"));
        String redirectUri = q.getFirst("redirect_uri");
        if (client.isEmpty() || !client.get().allowsRedirect(redirectUri)) {
            // Never redirect to an unverified URI (open redirector).
            LOG.infof("authorize refused: %s", client.isEmpty() ? "unknown client_id"
                    : "redirect_uri not registered for client " + client.get().id());
            return page(400, "Invalid request", "Unknown client or unregistered redirect_uri.");
        }
        OidcClient c = client.get();
        Optional<String> state = Optional.ofNullable(q.getFirst("state"));
        if (!"code".equals(q.getFirst("response_type"))) {
            return redirectError(redirectUri, "unsupported_response_type", "only response_type=code", state, uri);
        }
        if (!c.allowsGrant("authorization_code")) {
            return redirectError(redirectUri, "unauthorized_client", "client may not use the code flow", state, uri);
        }
        Optional<String> challenge = Optional.ofNullable(q.getFirst("code_challenge")).filter(s -> !s.isBlank());
        String method = q.getFirst("code_challenge_method");
        if (challenge.isPresent() && !"S256".equals(method)) {
            return redirectError(redirectUri, "invalid_request", "code_challenge_method must be S256", state, uri);
        }
        if (c.isPublic() && challenge.isEmpty()) {
            return redirectError(redirectUri, "invalid_request", "public clients must use PKCE (S256)", state, uri);
        }
        if (challenge.isPresent() && !challenge.get().matches("[A-Za-z0-9_-]{43}")) {
            return redirectError(redirectUri, "invalid_request", "malformed code_challenge", state, uri);
        }
        Pending p = requests.pending(c.id(), redirectUri, state, Optional.ofNullable(q.getFirst("nonce")),
                challenge, Scopes.parse(Optional.ofNullable(q.getFirst("scope"))));

        Map<String, String> challengeHeaders = new LinkedHashMap<>();
        String address = TokenEndpoint.address(http);
        for (BrowserAuthenticator a : authenticators) {
            BrowserAuthenticator.Outcome o = a.attempt(lowerCased(headers), address);
            if (o instanceof BrowserAuthenticator.Authenticated ok) {
                Response.ResponseBuilder rb = codeRedirect(p, ok.user(), uri);
                ok.responseHeaders().forEach(rb::header);
                return rb.build();
            }
            if (o instanceof BrowserAuthenticator.Challenge ch) {
                challengeHeaders.putAll(ch.responseHeaders());
            }
        }
        BrowserBinding.Cookie browser = BrowserBinding.forBrowser(csrfCookie);
        Response.ResponseBuilder rb = Response.status(challengeHeaders.isEmpty() ? 200 : 401)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(LoginPage.render(formAction(uri), requests.seal(p, audience(uri),
                        Optional.of(browser.binding())), c.id(), Optional.empty(), ""));
        challengeHeaders.forEach(rb::header);
        if (browser.fresh()) {
            rb.header("Set-Cookie", browser.setCookieHeader());
        }
        return formPage(rb, p.redirectUri()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response submit(@FormParam("request") String sealed, @FormParam("username") String username,
                           @FormParam("password") String password, @Context UriInfo uri,
                           @Context HttpServerRequest http, @CookieParam(BrowserBinding.COOKIE) String csrfCookie,
                           @HeaderParam("Origin") String origin) {
        if (!BrowserBinding.sameOrigin(origin, issuer.of(uri))) {
            requests.refused(AuthorizationRequests.Refusal.CROSS_SITE);
            return expired();
        }
        FormLogin.Outcome o = formLogin.submit(sealed, csrfCookie, username, password, TokenEndpoint.address(http),
                audience(uri));
        if (o instanceof FormLogin.Issued issued) {
            return redirectWithCode(issued.request(), issued.code(), uri).build();
        }
        if (o instanceof FormLogin.Retry retry) {
            return formPage(Response.status(retry.status()).type(MediaType.TEXT_HTML_TYPE).entity(LoginPage.render(
                    formAction(uri), sealed, retry.request().clientId(), Optional.of(retry.message()),
                    username == null ? "" : username)), retry.request().redirectUri()).build();
        }
        if (o instanceof FormLogin.CodeUnavailable cu) {
            return codeUnavailable(cu.request(), uri);
        }
        if (o instanceof FormLogin.Unavailable) {
            return page(503, "Sign-in unavailable", FormLogin.UNAVAILABLE);
        }
        return expired();
    }

    /** What a sealed request is for: this endpoint, at this issuer, the same at every replica. */
    private String audience(UriInfo uri) {
        return issuer.of(uri) + "/authorize";
    }

    private Response.ResponseBuilder codeRedirect(Pending p, AuthenticatedUser user, UriInfo uri) {
        try {
            return redirectWithCode(p, codes.issue(p, user), uri);
        } catch (SessionStoreUnavailableException e) {
            return Response.fromResponse(codeUnavailable(p, uri));
        }
    }

    /** RFC 6749 §4.1.2.1: the client may retry; the store has logged why. */
    private Response codeUnavailable(Pending p, UriInfo uri) {
        return redirectError(p.redirectUri(), "temporarily_unavailable",
                "sign-in state cannot be saved right now; retry shortly", p.state(), uri);
    }

    private Response.ResponseBuilder redirectWithCode(Pending p, String code, UriInfo uri) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("code", code);
        p.state().ifPresent(s -> q.put("state", s));
        q.put("iss", issuer.of(uri));
        return noStore(Response.seeOther(Redirects.withQuery(p.redirectUri(), q)));
    }

    private Response redirectError(String redirectUri, String error, String description, Optional<String> state,
                                   UriInfo uri) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("error", error);
        q.put("error_description", description);
        state.ifPresent(s -> q.put("state", s));
        q.put("iss", issuer.of(uri));
        return noStore(Response.seeOther(Redirects.withQuery(redirectUri, q))).build();
    }

    private static String formAction(UriInfo uri) {
        URI base = uri.getBaseUri();
        return base.getPath().replaceAll("/$", "") + "/authorize";
    }

    private static Map<String, java.util.List<String>> lowerCased(HttpHeaders headers) {
        Map<String, java.util.List<String>> m = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> m.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return m;
    }

    /** One page for every unusable form (tampered, foreign, expired, spent): the reason is logged and counted. */
    private static Response expired() {
        return page(400, "Sign-in expired", "This sign-in form has expired or was already used. Go back to the "
                + "application and start again.");
    }

    private static Response page(int status, String title, String text) {
        return noStore(Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(LoginPage.message(title, text)))
                .build();
    }

    private static Response.ResponseBuilder noStore(Response.ResponseBuilder rb) {
        return rb.header("Cache-Control", "no-store").header("Content-Security-Policy", SecurityHeaders.pageCsp(""));
    }

    /**
     * The login form's page. Its post answers with a redirect to the client, and CSP {@code form-action} applies to
     * redirects after a form post (CSP Level 3; Chromium enforces it), so the registered redirect URI's origin is
     * allowed as well as this one.
     */
    private static Response.ResponseBuilder formPage(Response.ResponseBuilder rb, String redirectUri) {
        return rb.header("Cache-Control", "no-store")
                .header("Content-Security-Policy", SecurityHeaders.pageCsp(cspOrigin(redirectUri)));
    }

    /** The redirect URI's origin as a CSP source, or nothing when it cannot be written as one safely. */
    static String cspOrigin(String redirectUri) {
        try {
            URI u = URI.create(redirectUri);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || !scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")
                    || !host.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]")) {
                return "";
            }
            return scheme + "://" + host + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
