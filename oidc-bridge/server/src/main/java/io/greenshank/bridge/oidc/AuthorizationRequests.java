package io.greenshank.bridge.oidc;

import io.greenshank.bridge.session.JsonFields;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validated authorization requests waiting for the login form, under a random id the form posts back; the store sees
 * only the id's hash. The bridge keeps them in each replica's memory (see {@code SessionStores#openInMemory}): anyone
 * may start one, and that must not cost the Kubernetes API a write.
 */
public final class AuthorizationRequests {

    /** How long a login form stays usable. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /** An authorization request that passed every check; the form may refer to it, never alter it. */
    public record Pending(String clientId, String redirectUri, Optional<String> state, Optional<String> nonce,
                          Optional<String> codeChallenge, Set<String> scopes, Instant expiresAt) {
        public Pending {
            scopes = Set.copyOf(scopes);
        }
    }

    /** How parked requests are stored. */
    public static final SessionKind<Pending> KIND = new SessionKind<>("authorization-request", Pending::expiresAt,
            p -> Map.of(), AuthorizationRequests::encode, AuthorizationRequests::decode);

    private final SessionStore<Pending> store;
    private final Clock clock;

    public AuthorizationRequests(SessionStore<Pending> store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Pending pending(String clientId, String redirectUri, Optional<String> state, Optional<String> nonce,
                           Optional<String> codeChallenge, Set<String> scopes) {
        return new Pending(clientId, redirectUri, state, nonce, codeChallenge, scopes, clock.instant().plus(LIFETIME));
    }

    /** @return the id the login form carries */
    public String park(Pending p) throws SessionStoreUnavailableException {
        String id = SessionKeys.random(24);
        if (!store.create(SessionKeys.sha256Hex(id), p)) {
            throw new IllegalStateException("authorization request id already exists");
        }
        return id;
    }

    /** The parked request, while it has not expired; a failed login leaves it parked for the next attempt. */
    public Optional<Pending> find(String id) throws SessionStoreUnavailableException {
        return store.get(SessionKeys.sha256Hex(id)).map(SessionStore.Stored::value)
                .filter(p -> p.expiresAt().isAfter(clock.instant()));
    }

    /** Ends the request after a successful login; true only once, so a form posted twice yields one code. */
    public boolean take(String id) throws SessionStoreUnavailableException {
        return store.delete(SessionKeys.sha256Hex(id));
    }

    private static String encode(Pending p) {
        return JsonFields.write(toMap(p));
    }

    private static Pending decode(String json) {
        return fromFields(JsonFields.parse(json));
    }

    static Map<String, Object> toMap(Pending p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", p.clientId());
        m.put("redirectUri", p.redirectUri());
        p.state().ifPresent(v -> m.put("state", v));
        p.nonce().ifPresent(v -> m.put("nonce", v));
        p.codeChallenge().ifPresent(v -> m.put("codeChallenge", v));
        m.put("scopes", p.scopes().stream().sorted().toList());
        m.put("expiresAt", p.expiresAt().toString());
        return m;
    }

    static Pending fromFields(JsonFields j) {
        return new Pending(j.string("clientId"), j.string("redirectUri"), j.optional("state"), j.optional("nonce"),
                j.optional("codeChallenge"), Set.copyOf(j.strings("scopes")), j.instant("expiresAt"));
    }
}
