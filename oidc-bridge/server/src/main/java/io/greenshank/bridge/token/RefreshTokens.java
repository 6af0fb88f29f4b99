package io.greenshank.bridge.token;

import io.greenshank.bridge.session.JsonFields;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Opaque refresh tokens that rotate on every use. Each login starts a family; using a token yields its
 * successor in the same family, and presenting an already-used token (a sign it was stolen) revokes the whole
 * family. The rules live here; the {@link SessionStore} only persists one {@link Family} per family, holding
 * SHA-256 hashes of its tokens, never a token.
 *
 * <p>A token reads {@code <family>.<secret>}, so finding its family is one lookup by key. Redeeming is two steps:
 * {@link #redeem} checks a token without spending it, and {@link #rotate} spends it and records its successor in one
 * conditional write, once the grant has decided to issue. A failure between the two (the directory is down) leaves the
 * presented token usable for a retry; of two concurrent rotations of one token only one write succeeds, and the loser,
 * re-reading, finds the token spent: reuse, so the family is revoked.
 */
public final class RefreshTokens {

    private static final Logger LOG = Logger.getLogger(RefreshTokens.class);

    /** What a refresh token stands for. */
    public record Session(String family, AuthenticatedUser user, String clientId, Set<String> scopes,
                          List<String> audiences, Instant familyExpiresAt) {
        public Session {
            scopes = Set.copyOf(scopes);
            audiences = List.copyOf(audiences);
        }
    }

    /**
     * A family as stored: its session, when it started (the login that created it; orders a user's families for
     * {@link FamilyCap}), the hash of its one live token, and the hashes of tokens already spent.
     */
    public record Family(Session session, Instant startedAt, String liveTokenHash, List<String> spentTokenHashes) {
        public Family {
            spentTokenHashes = List.copyOf(spentTokenHashes);
        }
    }

    /**
     * A presented token that passed every check, not yet spent: {@link #rotate} spends it, starting from the family as
     * read here, so a refresh costs one read and one write when no other replica interferes.
     */
    public record Redemption(String tokenHash, SessionStore.Stored<Family> read) {
        public Session session() {
            return read.value().session();
        }
    }

    /** Why a presented token was refused. A revoked family is gone, so its tokens are {@code UNKNOWN}. */
    public enum Refusal { UNKNOWN, EXPIRED, REUSED, WRONG_CLIENT }

    public static final class RefusedException extends Exception {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.name(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** How refresh-token families are stored. */
    public static final SessionKind<Family> KIND = new SessionKind<>("refresh-family",
            f -> f.session().familyExpiresAt(),
            f -> Map.of("subject", f.session().user().user().subject(), "client", f.session().clientId()),
            RefreshTokens::encode, RefreshTokens::decode);

    static final String EVICTED_METRIC = "greenshank_bridge_refresh_families_evicted_total";

    private final SessionStore<Family> store;
    private final Clock clock;
    private final FamilyCap cap;
    private final Counter evicted;

    /** Without a per-user bound, and uncounted: for tests and tools. */
    public RefreshTokens(SessionStore<Family> store, Clock clock) {
        this(store, clock, FamilyCap.NONE, new CompositeMeterRegistry());
    }

    public RefreshTokens(SessionStore<Family> store, Clock clock, FamilyCap cap, MeterRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.cap = cap;
        this.evicted = metrics.counter(EVICTED_METRIC);
    }

    /** A new family for a fresh login. */
    public static String newFamily() {
        return UUID.randomUUID().toString();
    }

    /**
     * Starts a family: its first token. Then, when the user holds more than the cap, revokes their oldest families
     * (one listing per login, none per refresh); a failure of that pass is logged and does not fail the login.
     */
    public String issue(Session session) throws SessionStoreUnavailableException {
        String token = newToken(session.family());
        String key = key(session.family());
        Family created = new Family(session, clock.instant(), SessionKeys.sha256Hex(token), List.of());
        if (!store.create(key, created)) {
            throw new IllegalStateException("refresh-token family already exists");
        }
        if (!cap.equals(FamilyCap.NONE)) {
            enforceCap(key, created);
        }
        return token;
    }

    private void enforceCap(String key, Family created) {
        String subject = created.session().user().user().subject();
        try {
            int n = 0;
            for (SessionStore.Stored<Family> f : cap.evictions(store.find(Map.of("subject", subject)), key, created,
                    clock.instant())) {
                n += store.delete(f.key()) ? 1 : 0; // false: another replica's pass or a logout got there first
            }
            if (n > 0) {
                evicted.increment(n);
                LOG.infof("subject %s holds more than %d refresh-token families: revoked the %d oldest", subject,
                        cap.max(), n);
            }
        } catch (SessionStoreUnavailableException e) {
            LOG.warnf("refresh-token family cap not enforced for subject %s this time: %s", subject, e.getMessage());
        }
    }

    /** Checks a token without spending it. */
    public Redemption redeem(String token, String clientId)
            throws RefusedException, SessionStoreUnavailableException {
        String family = familyOf(token);
        SessionStore.Stored<Family> stored = store.get(key(family)).orElseThrow(() -> refused(Refusal.UNKNOWN));
        String hash = SessionKeys.sha256Hex(token);
        check(stored, hash, clientId);
        return new Redemption(hash, stored);
    }

    /**
     * Spends the redeemed token and records its successor, carrying {@code successor}'s session (the user as the
     * directory now describes them, the possibly narrowed scopes). Returns the successor token.
     */
    public String rotate(Redemption redeemed, Session successor)
            throws RefusedException, SessionStoreUnavailableException {
        Session s = redeemed.session();
        if (!successor.family().equals(s.family()) || !successor.clientId().equals(s.clientId())) {
            throw new IllegalArgumentException("a successor continues its family at its client");
        }
        String key = key(s.family());
        // Each lost race re-reads; the loser of a race on one token then finds it spent. The bound covers
        // writers that change the family without spending this token (none today).
        SessionStore.Stored<Family> stored = redeemed.read();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (attempt > 0) {
                stored = store.get(key).orElseThrow(() -> refused(Refusal.UNKNOWN));
            }
            check(stored, redeemed.tokenHash(), s.clientId());
            String next = newToken(s.family());
            List<String> spent = new ArrayList<>(stored.value().spentTokenHashes());
            spent.add(redeemed.tokenHash());
            Family f = new Family(successor, stored.value().startedAt(), SessionKeys.sha256Hex(next), spent);
            if (store.replace(key, f, stored.version())) {
                return next;
            }
        }
        throw new SessionStoreUnavailableException("refresh-token family kept changing during rotation", null);
    }

    /** Ends a family: every token of it is refused from now on. */
    public void revokeFamily(String family) throws SessionStoreUnavailableException {
        store.delete(key(family));
    }

    /** Ends every session of a subject at a client, or at every client (logout). */
    public int revokeSubject(String subject, Optional<String> clientId) throws SessionStoreUnavailableException {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("subject", subject);
        clientId.ifPresent(c -> criteria.put("client", c));
        int n = 0;
        for (SessionStore.Stored<Family> f : store.find(criteria)) {
            n += store.delete(f.key()) ? 1 : 0;
        }
        return n;
    }

    private void check(SessionStore.Stored<Family> stored, String hash, String clientId)
            throws RefusedException, SessionStoreUnavailableException {
        Family f = stored.value();
        if (!f.session().clientId().equals(clientId)) {
            throw refused(Refusal.WRONG_CLIENT);
        }
        if (f.spentTokenHashes().contains(hash)) {
            store.delete(stored.key());
            throw refused(Refusal.REUSED);
        }
        if (!f.liveTokenHash().equals(hash)) {
            throw refused(Refusal.UNKNOWN);
        }
        if (!f.session().familyExpiresAt().isAfter(clock.instant())) {
            store.delete(stored.key());
            throw refused(Refusal.EXPIRED);
        }
    }

    private static String newToken(String family) {
        return family + "." + SessionKeys.random(32);
    }

    private static String familyOf(String token) throws RefusedException {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            throw refused(Refusal.UNKNOWN);
        }
        return token.substring(0, dot);
    }

    /** The store key: a hash of the family id, so a listing of the store reveals no token prefix. */
    private static String key(String family) {
        return SessionKeys.sha256Hex(family);
    }

    private static RefusedException refused(Refusal r) {
        return new RefusedException(r);
    }

    private static String encode(Family f) {
        Session s = f.session();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", s.family());
        m.put("clientId", s.clientId());
        m.put("user", AuthenticatedUserJson.toMap(s.user()));
        m.put("scopes", s.scopes().stream().sorted().toList());
        m.put("audiences", s.audiences());
        m.put("familyExpiresAt", s.familyExpiresAt().toString());
        m.put("startedAt", f.startedAt().toString());
        m.put("liveTokenHash", f.liveTokenHash());
        m.put("spentTokenHashes", f.spentTokenHashes());
        return JsonFields.write(m);
    }

    private static Family decode(String json) {
        JsonFields j = JsonFields.parse(json);
        Session s = new Session(j.string("family"), AuthenticatedUserJson.fromFields(j.object("user")),
                j.string("clientId"), Set.copyOf(j.strings("scopes")), j.strings("audiences"),
                j.instant("familyExpiresAt"));
        // Families stored before startedAt was recorded are ordered by their login.
        Instant startedAt = j.optional("startedAt").isPresent() ? j.instant("startedAt") : s.user().authTime();
        return new Family(s, startedAt, j.string("liveTokenHash"), j.strings("spentTokenHashes"));
    }
}
