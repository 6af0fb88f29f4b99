package io.greenshank.bridge.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.TokenVerifier;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /userinfo}: the user's claims for a valid access token (RFC 6750 bearer). A token issued from an authorization
 * code that was since reused is refused as {@code invalid_token} ({@link CodeGrants}).
 */
@Path("/userinfo")
public class UserInfoEndpoint {

    private static final List<String> CLAIMS = List.of("sub", "email", "email_verified", "name",
            "preferred_username", "groups");

    private final TokenVerifier verifier;
    private final Issuer issuer;
    private final CodeGrants codeGrants;

    public UserInfoEndpoint(TokenVerifier verifier, Issuer issuer, CodeGrants codeGrants) {
        this.verifier = verifier;
        this.issuer = issuer;
        this.codeGrants = codeGrants;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@Context HttpHeaders headers, @Context UriInfo uri) {
        String authz = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authz == null || !authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Response.status(401).header("WWW-Authenticate", "Bearer realm=\"greenshank\"").build();
        }
        JWTClaimsSet claims = verifier.verify(authz.substring(7).trim(), issuer.of(uri), true, false).orElse(null);
        try {
            if (claims != null && codeGrants.isRevoked(claims)) {
                claims = null;
            }
        } catch (SessionStoreUnavailableException e) {
            return Response.status(503).header("Retry-After", "5").header("Cache-Control", "no-store").build();
        }
        if (claims == null) {
            return Response.status(401).header("WWW-Authenticate",
                    "Bearer realm=\"greenshank\", error=\"invalid_token\"").build();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String c : CLAIMS) {
            Object v = claims.getClaim(c);
            if (v != null) {
                out.put(c, v);
            }
        }
        return Response.ok(out).header("Cache-Control", "no-store").build();
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(@Context HttpHeaders headers, @Context UriInfo uri) {
        return get(headers, uri);
    }
}
