package io.greenshank.bridge.oidc;

import io.greenshank.bridge.device.DeviceAuthorizationEndpoint;
import io.greenshank.bridge.keys.KeysConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0). */
@Path("/.well-known/openid-configuration")
public class DiscoveryEndpoint {

    private final Issuer issuer;
    private final TokenEndpoint tokenEndpoint;
    private final KeysConfig keys;

    public DiscoveryEndpoint(Issuer issuer, TokenEndpoint tokenEndpoint, KeysConfig keys) {
        this.issuer = issuer;
        this.tokenEndpoint = tokenEndpoint;
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> discovery(@Context UriInfo uri) {
        String iss = issuer.of(uri);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", iss);
        m.put("authorization_endpoint", iss + "/authorize");
        m.put("token_endpoint", iss + "/token");
        m.put("userinfo_endpoint", iss + "/userinfo");
        m.put("jwks_uri", iss + "/keys");
        m.put("end_session_endpoint", iss + "/logout");
        m.put("device_authorization_endpoint", iss + DeviceAuthorizationEndpoint.PATH);
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("grant_types_supported", tokenEndpoint.grantTypes());
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of(keys.algorithm()));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("scopes_supported", List.of("openid", "profile", "email", "groups", "offline_access"));
        m.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp",
                "email", "email_verified", "name", "preferred_username", "groups"));
        m.put("authorization_response_iss_parameter_supported", true);
        return m;
    }
}
