package io.greenshank.bridge.oidc;

import io.greenshank.bridge.session.JsonFields;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.AuthenticatedUserJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Single-use authorization codes, short-lived, bound to client, redirect URI and PKCE challenge. The store holds
 * each code under the SHA-256 of the code, never the code. Redeeming deletes it: of two redemptions, on one replica
 * or two, only the one whose delete removed it succeeds.
 */
public final class AuthorizationCodes {

    public record Code(String clientId, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce,
                       Set<String> scopes, AuthenticatedUser user, Instant expiresAt) {
        public Code {
            scopes = Set.copyOf(scopes);
        }
    }

    /** How codes are stored. */
    public static final SessionKind<Code> KIND = new SessionKind<>("authorization-code", Code::expiresAt,
            c -> Map.of(), AuthorizationCodes::encode, AuthorizationCodes::decode);

    private final SessionStore<Code> store;
    private final Duration lifetime;
    private final Clock clock;

    public AuthorizationCodes(SessionStore<Code> store, Duration lifetime, Clock clock) {
        this.store = store;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(String clientId, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce,
                        Set<String> scopes, AuthenticatedUser user) throws SessionStoreUnavailableException {
        String code = SessionKeys.random(32);
        Code c = new Code(clientId, redirectUri, codeChallenge, nonce, scopes, user, clock.instant().plus(lifetime));
        if (!store.create(SessionKeys.sha256Hex(code), c)) {
            throw new IllegalStateException("authorization code already exists");
        }
        return code;
    }

    /** Consumes the code: a second redemption, here or at another replica, finds nothing. */
    public Optional<Code> redeem(String code) throws SessionStoreUnavailableException {
        String key = SessionKeys.sha256Hex(code);
        Optional<SessionStore.Stored<Code>> stored = store.get(key);
        if (stored.isEmpty() || !store.delete(key)) {
            return Optional.empty();
        }
        Code c = stored.get().value();
        return c.expiresAt().isBefore(clock.instant()) ? Optional.empty() : Optional.of(c);
    }

    private static String encode(Code c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", c.clientId());
        m.put("redirectUri", c.redirectUri());
        c.codeChallenge().ifPresent(v -> m.put("codeChallenge", v));
        c.nonce().ifPresent(v -> m.put("nonce", v));
        m.put("scopes", c.scopes().stream().sorted().toList());
        m.put("user", AuthenticatedUserJson.toMap(c.user()));
        m.put("expiresAt", c.expiresAt().toString());
        return JsonFields.write(m);
    }

    private static Code decode(String json) {
        JsonFields j = JsonFields.parse(json);
        return new Code(j.string("clientId"), j.string("redirectUri"), j.optional("codeChallenge"),
                j.optional("nonce"), Set.copyOf(j.strings("scopes")),
                AuthenticatedUserJson.fromFields(j.object("user")), j.instant("expiresAt"));
    }
}
