package io.greenshank.bridge.client;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code greenshank.bridge.clients."<client-id>".*}: the statically registered relying parties. */
@ConfigMapping(prefix = "greenshank.bridge.clients")
public interface ClientsConfig {

    @WithParentName
    Map<String, Client> clients();

    interface Client {
        /** The client secret; absent for a public client (which must use PKCE S256). */
        Optional<String> secret();

        /** Exact redirect URIs. */
        Optional<List<String>> redirectUris();

        /** Where end-session may send the browser afterwards (exact match). */
        Optional<List<String>> postLogoutRedirectUris();

        @WithDefault("authorization_code,refresh_token")
        List<String> grantTypes();

        /** Access-token audiences; also the audiences token exchange may ask for. */
        Optional<List<String>> audiences();
    }
}
