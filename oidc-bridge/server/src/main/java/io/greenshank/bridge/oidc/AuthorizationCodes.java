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
 * Single-use authorization codes, short-lived, bound to the authorization request they answer (client, redirect URI,
 * PKCE challenge, nonce, scopes). The store holds each code under the SHA-256 of the code, never the code.
 * Redeeming deletes it: of two redemptions, on one replica or two, only the one whose delete removed it succeeds.
 */
public final class AuthorizationCodes {

    /** What a code stands for: the request it answers and who signed in. */
    public record Code(AuthorizationRequests.Pending request, AuthenticatedUser user, Instant expiresAt) {

        public String clientId() {
            return request.clientId();
        }

        public String redirectUri() {
            return request.redirectUri();
        }

        public Optional<String> codeChallenge() {
            return request.codeChallenge();
        }

        public Optional<String> nonce() {
            return request.nonce();
        }

        public Set<String> scopes() {
            return request.scopes();
        }
    }

    /** How codes are stored. */
    public static final SessionKind<Code> KIND = new SessionKind<>("authorization-code", Code::expiresAt,
            c -> Map.of(), AuthorizationCodes::encode, AuthorizationCodes::decode);

    private final SessionStore<Code> store;
    private final Duration lifetime;
    private final Clock clock;
    private final Optional<CodeGrants> grants;

    /** Without reuse detection: a second redemption is refused but revokes nothing. For tests and tools. */
    public AuthorizationCodes(SessionStore<Code> store, Duration lifetime, Clock clock) {
        this(store, lifetime, clock, Optional.empty());
    }

    public AuthorizationCodes(SessionStore<Code> store, Duration lifetime, Clock clock, Optional<CodeGrants> grants) {
        this.store = store;
        this.lifetime = lifetime;
        this.clock = clock;
        this.grants = grants;
    }

    public String issue(AuthorizationRequests.Pending request, AuthenticatedUser user)
            throws SessionStoreUnavailableException {
        String code = SessionKeys.random(32);
        if (!store.create(SessionKeys.sha256Hex(code), new Code(request, user, clock.instant().plus(lifetime)))) {
            throw new IllegalStateException("authorization code already exists");
        }
        return code;
    }

    /** Consumes the code: a second redemption, here or at another replica, finds nothing. */
    public Optional<Code> redeem(String code) throws SessionStoreUnavailableException {
        return redeem(code, "(unknown client)");
    }

    /**
     * Consumes the code. A second redemption, here or at another replica, finds nothing and, with reuse detection,
     * revokes what the first one was issued (its {@link CodeGrants grant}).
     *
     * @param clientId who presented the code, for the log of a reuse
     */
    public Optional<Code> redeem(String code, String clientId) throws SessionStoreUnavailableException {
        String key = SessionKeys.sha256Hex(code);
        String grant = CodeGrants.idOf(code);
        Optional<SessionStore.Stored<Code>> stored = store.get(key);
        if (stored.isEmpty()) {
            if (grants.isPresent() && grants.get().redeemed(grant)) {
                grants.get().revoke(grant, clientId);
            }
            return Optional.empty();
        }
        Code c = stored.get().value();
        boolean expired = c.expiresAt().isBefore(clock.instant());
        if (!expired && grants.isPresent() && !grants.get().begin(grant)) {
            // Another redemption recorded the grant first, at this replica or another: this one is the reuse.
            grants.get().revoke(grant, clientId);
            return Optional.empty();
        }
        // Without reuse detection the delete decides which of two redemptions wins; with it, begin() did, and a
        // failed delete here means the sweep found the code expired meanwhile.
        if (!store.delete(key) || expired) {
            return Optional.empty();
        }
        return Optional.of(c);
    }

    private static String encode(Code c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request", AuthorizationRequests.toMap(c.request()));
        m.put("user", AuthenticatedUserJson.toMap(c.user()));
        m.put("expiresAt", c.expiresAt().toString());
        return JsonFields.write(m);
    }

    private static Code decode(String json) {
        JsonFields j = JsonFields.parse(json);
        return new Code(AuthorizationRequests.fromFields(j.object("request")),
                AuthenticatedUserJson.fromFields(j.object("user")), j.instant("expiresAt"));
    }
}
