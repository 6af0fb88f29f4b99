package io.greenshank.bridge.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A statically configured relying party.
 *
 * @param id           {@code client_id}
 * @param secret       the client secret for confidential clients; empty for public clients (CLIs, SPAs),
 *                     which must use PKCE S256 in the code flow
 * @param redirectUris exact redirect URIs; matched by string equality, never by prefix
 * @param grantTypes   grant types this client may use at the token endpoint
 * @param audiences    audiences its tokens carry ({@code aud}); the client id is always the ID token's audience
 */
public record OidcClient(String id, Optional<String> secret, List<String> redirectUris, Set<String> grantTypes,
                         List<String> audiences) {

    public OidcClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        redirectUris = List.copyOf(redirectUris);
        grantTypes = Set.copyOf(grantTypes);
        audiences = List.copyOf(audiences);
    }

    public boolean isPublic() {
        return secret.isEmpty();
    }

    public boolean allowsGrant(String grantType) {
        return grantTypes.contains(grantType);
    }

    public boolean allowsRedirect(String redirectUri) {
        return redirectUri != null && redirectUris.contains(redirectUri);
    }

    /** The access token audiences: the configured ones, or the client itself when none are configured. */
    public List<String> accessTokenAudiences() {
        return audiences.isEmpty() ? List.of(id) : audiences;
    }

    @Override
    public String toString() {
        return "OidcClient[" + id + (isPublic() ? ", public" : ", confidential") + "]";
    }
}
