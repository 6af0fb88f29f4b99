package io.greenshank.bridge.device;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rules of RFC 8628 device codes; the session store only persists. A code is stored under the SHA-256 of the
 * device code and indexed by the SHA-256 of its user code, never either code itself, so every replica can find it
 * from the poll (device code) and from the verification page (user code).
 *
 * <ul>
 *   <li>Approval and denial are a compare-and-set on the pending value: of two decisions exactly one lands.</li>
 *   <li>An approved code is redeemed by deleting it: of two polls, here or at two replicas, only the one whose delete
 *   removed it gets tokens.</li>
 *   <li>A poll is one read — of the watch-fed copy where the store keeps one ({@link #pollInProcess}), else of the
 *   store. {@code slow_down} (RFC 8628 §3.5) is judged from the last poll this replica saw, so a poll costs no store
 *   write; the raised interval is written (rarely) so every replica applies it.</li>
 *   <li>An expired code answers {@code expired_token} for {@link #EXPIRED_VISIBLE} more, then the sweep removes it.</li>
 * </ul>
 */
public final class DeviceCodes {

    /** How long an expired code still answers {@code expired_token} rather than {@code invalid_grant}. */
    static final Duration EXPIRED_VISIBLE = Duration.ofMinutes(5);
    /** RFC 8628 §3.5: each {@code slow_down} adds five seconds. */
    static final int SLOW_DOWN_STEP_SECONDS = 5;
    private static final String USER_CODE_INDEX = "user-code";

    /** Where a device code stands. */
    public enum Status { PENDING, APPROVED, DENIED }

    /** A stored device code. */
    public record Grant(String clientId, Set<String> scopes, String userCodeHash, Status status,
                        Optional<AuthenticatedUser> user, int intervalSeconds, Instant expiresAt) {
        public Grant {
            scopes = Set.copyOf(scopes);
        }

        Grant decided(Status s, Optional<AuthenticatedUser> u) {
            return new Grant(clientId, scopes, userCodeHash, s, u, intervalSeconds, expiresAt);
        }

        Grant slower() {
            return new Grant(clientId, scopes, userCodeHash, status, user, intervalSeconds + SLOW_DOWN_STEP_SECONDS,
                    expiresAt);
        }
    }

    /** What {@code /device_authorization} hands out. */
    public record Started(String deviceCode, String userCode, long expiresInSeconds, int intervalSeconds) {
    }

    /** What a poll at the token endpoint finds. */
    public sealed interface Poll permits Pending, SlowDown, Expired, Denied, Approved, Unknown {
    }

    public record Pending() implements Poll {
    }

    public record SlowDown(int intervalSeconds) implements Poll {
    }

    public record Expired() implements Poll {
    }

    public record Denied() implements Poll {
    }

    /** Redeemed by this poll: the code is gone. */
    public record Approved(Grant grant, AuthenticatedUser user) implements Poll {
    }

    /** Never issued, already redeemed, swept, or issued to another client. */
    public record Unknown() implements Poll {
    }

    /** What a decision on the verification page came to. */
    public enum Decision { APPROVED, DENIED, NOT_FOUND }

    public static final SessionKind<Grant> KIND = new SessionKind<>("device-code",
            g -> g.expiresAt().plus(EXPIRED_VISIBLE), g -> Map.of(USER_CODE_INDEX, g.userCodeHash()),
            DeviceCodes::encode, DeviceCodes::decode);

    private final SessionStore<Grant> store;
    private final Duration lifetime;
    private final Duration interval;
    private final Clock clock;
    /** The last poll of each device code seen here (by the code's hash); bounded by the pending codes. */
    private final ConcurrentHashMap<String, Instant> lastPolls = new ConcurrentHashMap<>();
    private final AtomicLong starts = new AtomicLong();

    public DeviceCodes(SessionStore<Grant> store, Duration lifetime, Duration interval, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || interval.toSeconds() < 1) {
            throw new IllegalArgumentException("greenshank.bridge.device: code-lifetime must be positive and "
                    + "poll-interval at least 1 s");
        }
        this.store = store;
        this.lifetime = lifetime;
        this.interval = interval;
        this.clock = clock;
    }

    /** A new pending code for {@code clientId}: the device code for the client, the user code for its user. */
    public Started start(String clientId, Set<String> scopes) throws SessionStoreUnavailableException {
        forgetStalePolls();
        for (int attempt = 0; attempt < 5; attempt++) {
            String userCode = UserCodes.generate();
            String userHash = userCodeHash(UserCodes.normalize(userCode).orElseThrow());
            // A user code must name one pending code; with 2^34 codes a clash is rare, but it must not be ambiguous.
            if (!store.find(Map.of(USER_CODE_INDEX, userHash)).isEmpty()) {
                continue;
            }
            String deviceCode = SessionKeys.random(32);
            Grant g = new Grant(clientId, scopes, userHash, Status.PENDING, Optional.empty(),
                    (int) interval.toSeconds(), clock.instant().plus(lifetime));
            if (store.create(SessionKeys.sha256Hex(deviceCode), g)) {
                return new Started(deviceCode, userCode, lifetime.toSeconds(), g.intervalSeconds());
            }
        }
        throw new IllegalStateException("no free user code after 5 attempts");
    }

    /** The pending, unexpired code a typed user code names. */
    public Optional<Grant> pending(String canonicalUserCode) throws SessionStoreUnavailableException {
        return pendingStored(canonicalUserCode).map(SessionStore.Stored::value);
    }

    /** Approves (with {@code user}) or denies the pending code; exactly one decision lands. */
    public Decision decide(String canonicalUserCode, boolean approve, Optional<AuthenticatedUser> user)
            throws SessionStoreUnavailableException {
        if (approve && user.isEmpty()) {
            throw new IllegalArgumentException("an approval names the user");
        }
        // A slow_down write may land between the read and the decision: read again, a few times.
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<SessionStore.Stored<Grant>> s = pendingStored(canonicalUserCode);
            if (s.isEmpty()) {
                return Decision.NOT_FOUND;
            }
            Grant decided = s.get().value().decided(approve ? Status.APPROVED : Status.DENIED,
                    approve ? user : Optional.empty());
            if (store.replace(s.get().key(), decided, s.get().version())) {
                return approve ? Decision.APPROVED : Decision.DENIED;
            }
        }
        return Decision.NOT_FOUND;
    }

    /** A poll by {@code clientId} with {@code deviceCode}, read from the store: the answer of record. */
    public Poll poll(String deviceCode, String clientId) throws SessionStoreUnavailableException {
        String key = SessionKeys.sha256Hex(deviceCode);
        Optional<SessionStore.Stored<Grant>> stored = store.get(key);
        if (stored.isEmpty()) {
            lastPolls.remove(key);
            return new Unknown();
        }
        Optional<Poll> settled = settled(key, stored.get().value(), clientId, clock.instant());
        if (settled.isPresent()) {
            return settled.get();
        }
        Grant g = stored.get().value();
        Instant now = clock.instant();
        Instant previous = lastPolls.put(key, now);
        if (g.status() == Status.PENDING && tooSoon(g, previous, now)) {
            Grant slower = g.slower();
            // Lost to another replica's write: that one raised it, or a decision landed; the next poll reads it.
            store.replace(key, slower, stored.get().version());
            return new SlowDown(slower.intervalSeconds());
        }
        if (g.status() == Status.PENDING) {
            return new Pending();
        }
        lastPolls.remove(key);
        return store.delete(key) ? new Approved(g, g.user().orElseThrow()) : new Unknown();
    }

    /**
     * A poll answered without I/O, when that can be done: with the memory store always; with a watched store when
     * its copy holds the code and the answer needs no write ({@code authorization_pending}, {@code expired_token},
     * {@code access_denied}, another client's code). Empty when only {@link #poll} can answer: the copy has not
     * seen the code (created at another replica a moment ago, or the watch is down), the code is approved (redeeming
     * is a conditional delete), or the poll earns {@code slow_down} (the raised interval is written).
     *
     * <p>Why a copy that lags the store is safe: the code's client, expiry and a denial never change once written, so
     * the copy answers those as the store would; an approval the copy has not seen yet is answered
     * {@code authorization_pending} once more, and the client polls again; a code redeemed or swept meanwhile still
     * reads as pending until the watch removes it, which grants nothing. Tokens come only from {@link #poll}.
     */
    public Optional<Poll> pollInProcess(String deviceCode, String clientId) throws SessionStoreUnavailableException {
        if (store.inProcess()) {
            return Optional.of(poll(deviceCode, clientId));
        }
        String key = SessionKeys.sha256Hex(deviceCode);
        Optional<SessionStore.Stored<Grant>> seen = store.peek(key);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        Grant g = seen.get().value();
        Instant now = clock.instant();
        Optional<Poll> settled = settled(key, g, clientId, now);
        if (settled.isPresent() || g.status() != Status.PENDING || tooSoon(g, lastPolls.get(key), now)) {
            return settled;
        }
        lastPolls.put(key, now);
        return Optional.of(new Pending());
    }

    /** The answers that follow from what never changes once written: the client, the expiry, a denial. */
    private Optional<Poll> settled(String key, Grant g, String clientId, Instant now) {
        if (!g.clientId().equals(clientId)) {
            lastPolls.remove(key);
            return Optional.of(new Unknown());
        }
        if (!now.isBefore(g.expiresAt())) {
            lastPolls.remove(key);
            return Optional.of(new Expired());
        }
        return g.status() == Status.DENIED ? Optional.of(new Denied()) : Optional.empty();
    }

    /** A fifth of the interval early is network jitter, not a client ignoring the interval. */
    private static boolean tooSoon(Grant g, Instant previous, Instant now) {
        Duration allowed = Duration.ofSeconds(g.intervalSeconds()).multipliedBy(4).dividedBy(5);
        return previous != null && previous.plus(allowed).isAfter(now);
    }

    /** How many codes this replica is tracking polls for. */
    int trackedPolls() {
        return lastPolls.size();
    }

    private Optional<SessionStore.Stored<Grant>> pendingStored(String canonicalUserCode)
            throws SessionStoreUnavailableException {
        String hash = userCodeHash(canonicalUserCode);
        List<SessionStore.Stored<Grant>> found = store.find(Map.of(USER_CODE_INDEX, hash));
        Instant now = clock.instant();
        List<SessionStore.Stored<Grant>> pending = found.stream()
                .filter(s -> s.value().status() == Status.PENDING && now.isBefore(s.value().expiresAt())).toList();
        return pending.size() == 1 ? Optional.of(pending.get(0)) : Optional.empty();
    }

    /** Codes abandoned by their clients leave an entry here; drop those older than any code can live. */
    private void forgetStalePolls() {
        if (starts.incrementAndGet() % 256 == 0) {
            Instant cutoff = clock.instant().minus(lifetime).minus(EXPIRED_VISIBLE);
            lastPolls.values().removeIf(t -> t.isBefore(cutoff));
        }
    }

    static String userCodeHash(String canonicalUserCode) {
        return SessionKeys.sha256Hex("user-code:" + canonicalUserCode.toUpperCase(Locale.ROOT));
    }

    private static String encode(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", g.clientId());
        m.put("scopes", g.scopes().stream().sorted().toList());
        m.put("userCodeHash", g.userCodeHash());
        m.put("status", g.status().name());
        g.user().ifPresent(u -> m.put("user", AuthenticatedUserJson.toMap(u)));
        m.put("interval", g.intervalSeconds());
        m.put("expiresAt", g.expiresAt().toString());
        return JsonFields.write(m);
    }

    private static Grant decode(String json) {
        JsonFields j = JsonFields.parse(json);
        Object interval = j.map().get("interval");
        if (!(interval instanceof Number n)) {
            throw new IllegalArgumentException("interval missing");
        }
        return new Grant(j.string("clientId"), Set.copyOf(j.strings("scopes")), j.string("userCodeHash"),
                Status.valueOf(j.string("status")),
                j.map().containsKey("user") ? Optional.of(AuthenticatedUserJson.fromFields(j.object("user")))
                        : Optional.empty(),
                n.intValue(), j.instant("expiresAt"));
    }
}
