package io.greenshank.bridge.token;

import io.greenshank.bridge.session.SessionStore.Stored;
import io.greenshank.bridge.token.RefreshTokens.Family;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * At most {@code max} live refresh-token families per user (subject, across clients). When a login's new family takes
 * the user past it, the user's oldest families go, oldest login first; the login itself always succeeds.
 *
 * <p>Only families that started before the new one are candidates. So a login never evicts the family it has just
 * created, and when two replicas log one user in at once, the later family survives the earlier login's pass. Each
 * pass acts on the families as listed at that moment: concurrent logins may leave the user briefly over the cap, or
 * evict a family more than strictly needed, never grow it without bound (the next login trims again). Replica clocks
 * order the families; a replica whose clock is behind evicts nothing newer than its own family, so skew only delays
 * trimming by the families created within the skew.
 *
 * @param max the most live families one user keeps
 */
public record FamilyCap(int max) {

    /** No bound: for tests and tools that create families directly. */
    public static final FamilyCap NONE = new FamilyCap(Integer.MAX_VALUE);

    /** Oldest first; the key breaks ties between families started at the same instant. */
    private static final Comparator<Stored<Family>> AGE =
            Comparator.comparing((Stored<Family> s) -> s.value().startedAt()).thenComparing(Stored::key);

    public FamilyCap {
        if (max < 1) {
            throw new IllegalArgumentException(
                    "greenshank.bridge.sessions.max-families-per-user must be at least 1, not " + max);
        }
    }

    /**
     * The families to revoke now that {@code created} exists under {@code createdKey}.
     *
     * @param listed the user's families as the store listed them after {@code created} was written (whether or not
     *               the listing includes it); expired ones are ignored (the sweep removes them)
     */
    public List<Stored<Family>> evictions(List<Stored<Family>> listed, String createdKey, Family created,
                                          Instant now) {
        Stored<Family> own = new Stored<>(createdKey, created, "");
        List<Stored<Family>> others = listed.stream()
                .filter(f -> !f.key().equals(createdKey))
                .filter(f -> f.value().session().familyExpiresAt().isAfter(now))
                .toList();
        int excess = others.size() + 1 - max;
        if (excess <= 0) {
            return List.of();
        }
        return others.stream().filter(f -> AGE.compare(f, own) < 0).sorted(AGE).limit(excess).toList();
    }
}
