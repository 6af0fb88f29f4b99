package io.greenshank.bridge.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured clients, by id. */
@ApplicationScoped
public class ClientRegistry {

    private final Map<String, OidcClient> clients;
    private final Map<String, List<String>> postLogout;

    @Inject
    public ClientRegistry(ClientsConfig config) {
        Map<String, OidcClient> m = new LinkedHashMap<>();
        Map<String, List<String>> pl = new LinkedHashMap<>();
        config.clients().forEach((id, c) -> {
            m.put(id, new OidcClient(id, c.secret().filter(s -> !s.isBlank()), c.redirectUris().orElse(List.of()),
                    java.util.Set.copyOf(c.grantTypes()), c.audiences().orElse(List.of())));
            pl.put(id, c.postLogoutRedirectUris().orElse(List.of()));
        });
        this.clients = Map.copyOf(m);
        this.postLogout = Map.copyOf(pl);
    }

    public Optional<OidcClient> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(clients.get(id));
    }

    public boolean allowsPostLogoutRedirect(String clientId, String uri) {
        return uri != null && postLogout.getOrDefault(clientId, List.of()).contains(uri);
    }

    /** Constant-time comparison so response timing does not leak how much of a secret was right. */
    public static boolean secretMatches(OidcClient client, String presented) {
        if (client.secret().isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(client.secret().get().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
