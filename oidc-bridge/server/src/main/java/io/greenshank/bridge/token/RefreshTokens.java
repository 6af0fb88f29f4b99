package io.greenshank.bridge.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Opaque refresh tokens that rotate on every use. Each login starts a family; using a token yields its
 * successor in the same family, and presenting an already-used token (a sign it was stolen) revokes the whole
 * family. Only SHA-256 hashes of tokens are kept.
 */
public final class RefreshTokens {

    /** What a refresh token stands for. */
    public record Session(String family, AuthenticatedUser user, String clientId, Set<String> scopes,
                          List<String> audiences, Instant familyExpiresAt) {
        public Session {
            scopes = Set.copyOf(scopes);
            audiences = List.copyOf(audiences);
        }
    }

    /** Why a presented token was refused. */
    public enum Refusal { UNKNOWN, EXPIRED, REUSED, REVOKED, WRONG_CLIENT }

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

    private record Entry(Session session, boolean used) {
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> byHash = new HashMap<>();
    private final Set<String> revokedFamilies = new HashSet<>();
    private int issuedSincePurge;

    public RefreshTokens(Clock clock) {
        this.clock = clock;
    }

    /** A new family for a fresh login. */
    public static String newFamily() {
        return UUID.randomUUID().toString();
    }

    public synchronized String issue(Session session) {
        if (++issuedSincePurge >= 1024) {
            purge();
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byHash.put(hash(token), new Entry(session, false));
        return token;
    }

    /** Consumes a token, returning its session; the caller issues the successor in the same family. */
    public synchronized Session redeem(String token, String clientId) throws RefusedException {
        String h = hash(token);
        Entry e = byHash.get(h);
        if (e == null) {
            throw new RefusedException(Refusal.UNKNOWN);
        }
        Session s = e.session();
        if (!s.clientId().equals(clientId)) {
            throw new RefusedException(Refusal.WRONG_CLIENT);
        }
        if (revokedFamilies.contains(s.family())) {
            throw new RefusedException(Refusal.REVOKED);
        }
        if (e.used()) {
            revokeFamily(s.family());
            throw new RefusedException(Refusal.REUSED);
        }
        if (!s.familyExpiresAt().isAfter(clock.instant())) {
            byHash.remove(h);
            throw new RefusedException(Refusal.EXPIRED);
        }
        byHash.put(h, new Entry(s, true));
        return s;
    }

    public synchronized void revokeFamily(String family) {
        revokedFamilies.add(family);
    }

    /** Ends every session of a subject at a client (logout). */
    public synchronized int revokeSubject(String subject, Optional<String> clientId) {
        Set<String> families = new HashSet<>();
        for (Entry e : byHash.values()) {
            Session s = e.session();
            if (s.user().user().subject().equals(subject) && clientId.map(s.clientId()::equals).orElse(true)) {
                families.add(s.family());
            }
        }
        revokedFamilies.addAll(families);
        return families.size();
    }

    private void purge() {
        issuedSincePurge = 0;
        Instant now = clock.instant();
        byHash.values().removeIf(e -> !e.session().familyExpiresAt().isAfter(now));
        Set<String> live = new HashSet<>();
        byHash.values().forEach(e -> live.add(e.session().family()));
        revokedFamilies.retainAll(live);
    }

    static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
