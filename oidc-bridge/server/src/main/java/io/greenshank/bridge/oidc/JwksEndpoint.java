package io.greenshank.bridge.oidc;

import io.greenshank.bridge.keys.KeyManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code /keys}: the published public keys, pre-serialised by the key manager. */
@Path("/keys")
public class JwksEndpoint {

    private final KeyManager keys;

    public JwksEndpoint(KeyManager keys) {
        this.keys = keys;
    }

    @GET
    public Response jwks() {
        return Response.ok(keys.jwksJson(), "application/jwk-set+json")
                .header("Cache-Control", "public, max-age=300").build();
    }
}
