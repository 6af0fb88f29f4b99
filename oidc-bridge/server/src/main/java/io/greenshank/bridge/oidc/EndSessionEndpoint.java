package io.greenshank.bridge.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.login.LoginPage;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenVerifier;
import io.greenshank.bridge.web.Redirects;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code /logout} (RP-Initiated Logout 1.0). The bridge keeps no browser session, so logging out ends the
 * subject's refresh-token families at that client and redirects to a registered post-logout URI.
 */
@Path("/logout")
public class EndSessionEndpoint {

    private static final Logger LOG = Logger.getLogger(EndSessionEndpoint.class);

    private final TokenVerifier verifier;
    private final RefreshTokens refreshTokens;
    private final ClientRegistry clients;
    private final Issuer issuer;

    public EndSessionEndpoint(TokenVerifier verifier, RefreshTokens refreshTokens, ClientRegistry clients,
                              Issuer issuer) {
        this.verifier = verifier;
        this.refreshTokens = refreshTokens;
        this.clients = clients;
        this.issuer = issuer;
    }

    @GET
    public Response logout(@QueryParam("id_token_hint") String hint,
                           @QueryParam("post_logout_redirect_uri") String redirect, @QueryParam("state") String state,
                           @Context UriInfo uri) {
        Optional<JWTClaimsSet> claims = hint == null ? Optional.empty()
                : verifier.verify(hint, issuer.of(uri), false, true);
        if (claims.isPresent()) {
            List<String> aud = claims.get().getAudience();
            Optional<String> client = aud == null || aud.isEmpty() ? Optional.empty() : Optional.of(aud.get(0));
            int n;
            try {
                n = refreshTokens.revokeSubject(claims.get().getSubject(), client);
            } catch (SessionStoreUnavailableException e) {
                // Never claim a sign-out that did not happen; the store has logged why.
                return Response.status(503).type(MediaType.TEXT_HTML_TYPE).header("Retry-After", "5")
                        .header("Cache-Control", "no-store").entity(LoginPage.message("Sign-out not completed",
                                "Signing out is temporarily unavailable. Try again in a moment.")).build();
            }
            LOG.infof("logout: %d session(s) of %s ended", n, claims.get().getSubject());
            if (redirect != null && client.isPresent() && clients.allowsPostLogoutRedirect(client.get(), redirect)) {
                return Response.seeOther(Redirects.withQuery(redirect,
                        state == null ? Map.of() : Map.of("state", state))).header("Cache-Control", "no-store").build();
            }
        }
        return Response.ok(LoginPage.message("Signed out", "You have been signed out."), MediaType.TEXT_HTML_TYPE)
                .header("Cache-Control", "no-store").build();
    }
}
