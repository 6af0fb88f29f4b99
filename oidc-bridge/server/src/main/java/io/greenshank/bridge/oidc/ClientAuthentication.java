package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.client.OidcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Client authentication at the bridge's back-channel endpoints ({@code /token}, {@code /device_authorization}):
 * HTTP Basic or {@code client_secret_post} for confidential clients, {@code client_id} alone for public ones.
 */
@ApplicationScoped
public class ClientAuthentication {

    private final ClientRegistry clients;

    public ClientAuthentication(ClientRegistry clients) {
        this.clients = clients;
    }

    /**
     * @param params  the request's form parameters
     * @param headers request headers, names lower-cased
     */
    public OidcClient authenticate(Map<String, String> params, Map<String, List<String>> headers)
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
}
