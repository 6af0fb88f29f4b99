package io.greenshank.bridge.session;

import static io.greenshank.bridge.session.SessionFixtures.FAMILY_LIFETIME;
import static io.greenshank.bridge.session.SessionFixtures.LOGIN;
import static io.greenshank.bridge.session.SessionFixtures.session;
import static io.greenshank.bridge.session.SessionFixtures.successor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.token.FamilyCap;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.RefreshTokens.Refusal;
import io.greenshank.testing.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The per-user cap on refresh-token families, on the memory store. */
class FamilyCapTest {

    static final String EVICTED = "greenshank_bridge_refresh_families_evicted_total";

    final MemorySessionStore<RefreshTokens.Family> memory = new MemorySessionStore<>(RefreshTokens.KIND);
    final ObservedStore<RefreshTokens.Family> store = new ObservedStore<>(memory);
    /** Moves a millisecond on every reading, so each login starts at its own instant. */
    final MutableClock clock = MutableClock.ticking(LOGIN, Duration.ofMillis(1));
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    RefreshTokens capped(int max) {
        return new RefreshTokens(store, clock, new FamilyCap(max), metrics);
    }

    double evicted() {
        return metrics.counter(EVICTED).count();
    }

    int familiesOf(String name) throws SessionStoreUnavailableException {
        return memory.find(Map.of("subject", "subject-of-" + name)).size();
    }

    static boolean refreshes(RefreshTokens tokens, String token, String client) throws Exception {
        try {
            tokens.redeem(token, client);
            return true;
        } catch (RefreshTokens.RefusedException e) {
            assertThat(e.refusal()).isEqualTo(Refusal.UNKNOWN);
            return false;
        }
    }

    @Test
    void theLoginPastTheCapRevokesTheUsersOldestFamilyAcrossClientsAndNobodyElses() throws Exception {
        RefreshTokens tokens = capped(3);
        String first = tokens.issue(session("alice", "kubectl"));
        String second = tokens.issue(session("alice", "webapp"));
        String bob = tokens.issue(session("bob", "kubectl"));
        String third = tokens.issue(session("alice", "kubectl"));
        assertThat(evicted()).as("at the cap, nothing goes").isZero();

        String fourth = tokens.issue(session("alice", "webapp"));

        assertThat(refreshes(tokens, fourth, "webapp")).as("the new login always succeeds").isTrue();
        assertThat(refreshes(tokens, first, "kubectl")).as("the oldest family is revoked").isFalse();
        assertThat(refreshes(tokens, second, "webapp")).isTrue();
        assertThat(refreshes(tokens, third, "kubectl")).isTrue();
        assertThat(refreshes(tokens, bob, "kubectl")).as("another user's family is not counted").isTrue();
        assertThat(familiesOf("alice")).isEqualTo(3);
        assertThat(evicted()).isEqualTo(1.0);
    }

    @Test
    void aLoginLoopKeepsTheUserAtTheCapWithTheNewestFamilies() throws Exception {
        RefreshTokens tokens = capped(5);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            issued.add(tokens.issue(session("alice", "kubectl")));
            assertThat(familiesOf("alice")).isLessThanOrEqualTo(5);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(refreshes(tokens, issued.get(i), "kubectl")).as("login %d", i).isEqualTo(i >= 35);
        }
        assertThat(evicted()).isEqualTo(35.0);
    }

    @Test
    void ageIsTheLoginNotTheLastRefreshAndRefreshingNeverLists() throws Exception {
        RefreshTokens tokens = capped(2);
        RefreshTokens.Session oldest = session("alice", "kubectl");
        String token = tokens.issue(oldest);
        String other = tokens.issue(session("alice", "kubectl"));
        int listings = store.finds.get();
        assertThat(listings).as("one listing per login").isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            token = tokens.rotate(tokens.redeem(token, "kubectl"), successor(oldest));
        }
        assertThat(store.finds.get()).as("no listing per refresh").isEqualTo(listings);

        tokens.issue(session("alice", "kubectl"));
        assertThat(refreshes(tokens, token, "kubectl")).as("the oldest login goes, though refreshed last").isFalse();
        assertThat(refreshes(tokens, other, "kubectl")).isTrue();
    }

    @Test
    void expiredFamiliesNeitherCountNorAreEvictedByTheCap() throws Exception {
        RefreshTokens tokens = capped(2);
        RefreshTokens.Session shortLived = new RefreshTokens.Session(RefreshTokens.newFamily(),
                SessionFixtures.user("alice"), "kubectl", Set.of("openid"), List.of(), LOGIN.plusSeconds(30));
        tokens.issue(shortLived);
        String live = tokens.issue(session("alice", "kubectl"));
        clock.advance(Duration.ofMinutes(1));

        String next = tokens.issue(session("alice", "kubectl"));

        assertThat(evicted()).as("two live families: at the cap, nothing evicted").isZero();
        assertThat(refreshes(tokens, live, "kubectl")).isTrue();
        assertThat(refreshes(tokens, next, "kubectl")).isTrue();
        assertThat(memory.sweep(LOGIN.plus(Duration.ofMinutes(1)))).as("the sweep's to remove").isEqualTo(1);
    }

    @Test
    void aLoginNeverEvictsItsOwnFamilyEvenWhenItsClockMakesItLookOldest() throws Exception {
        RefreshTokens ahead = capped(2);
        ahead.issue(session("alice", "kubectl"));
        ahead.issue(session("alice", "kubectl"));
        // A replica whose clock is an hour behind: its family sorts before every other.
        RefreshTokens behind = new RefreshTokens(store,
                MutableClock.ticking(LOGIN.minus(Duration.ofHours(1)), Duration.ofMillis(1)), new FamilyCap(2), metrics);

        String late = behind.issue(session("alice", "kubectl"));

        assertThat(refreshes(behind, late, "kubectl")).isTrue();
        assertThat(store.ownFamiliesDeleted).isEmpty();
        assertThat(familiesOf("alice")).as("over the cap until a login that sees older families").isEqualTo(3);

        String next = ahead.issue(session("alice", "kubectl"));
        assertThat(familiesOf("alice")).isEqualTo(2);
        assertThat(refreshes(ahead, next, "kubectl")).isTrue();
        assertThat(refreshes(ahead, late, "kubectl")).as("the skewed family was the oldest").isFalse();
    }

    @Test
    void whenTheListingFailsTheLoginStillSucceedsAndTheNextOneTrims() throws Exception {
        RefreshTokens tokens = capped(1);
        String first = tokens.issue(session("alice", "kubectl"));
        store.listingDown.set(true);
        String second = tokens.issue(session("alice", "kubectl"));
        assertThat(refreshes(tokens, second, "kubectl")).isTrue();
        assertThat(refreshes(tokens, first, "kubectl")).as("not enforced while the store cannot list").isTrue();

        store.listingDown.set(false);
        String third = tokens.issue(session("alice", "kubectl"));
        assertThat(familiesOf("alice")).isEqualTo(1);
        assertThat(refreshes(tokens, third, "kubectl")).isTrue();
        assertThat(evicted()).isEqualTo(2.0);
    }

    @Test
    void concurrentLoginsNeverRevokeTheirOwnFamilyAndTheNextLoginRestoresTheCap() throws Exception {
        int threads = 8;
        RefreshTokens tokens = capped(1); // every pass evicts: the most exposed
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                CyclicBarrier barrier = new CyclicBarrier(threads);
                List<Future<String>> logins = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    logins.add(pool.submit(() -> {
                        barrier.await();
                        return tokens.issue(session("alice", "kubectl"));
                    }));
                }
                for (Future<String> f : logins) {
                    assertThat(f.get()).isNotBlank();
                }
                assertThat(store.ownFamiliesDeleted).as("round %d", round).isEmpty();
                String newest = store.created.entrySet().stream()
                        .max(Comparator.comparing((Map.Entry<String, RefreshTokens.Family> e) -> e.getValue()
                                .startedAt()).thenComparing(Map.Entry::getKey)).orElseThrow().getKey();
                assertThat(memory.get(newest)).as("the latest login of round %d survives every pass", round)
                        .isPresent();
            }
            String settled = tokens.issue(session("alice", "kubectl"));
            assertThat(familiesOf("alice")).isEqualTo(1);
            assertThat(refreshes(tokens, settled, "kubectl")).isTrue();
            assertThat(evicted()).as("every family beyond the cap was evicted, none twice").isEqualTo(161 - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCapIsAtLeastOne() {
        assertThatThrownBy(() -> new FamilyCap(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("greenshank.bridge.sessions.max-families-per-user");
    }

    @Test
    void familiesStoredBeforeTheirStartWasRecordedAreOrderedByTheirLogin() {
        RefreshTokens.Session s = session("alice", "kubectl");
        RefreshTokens.Family f = new RefreshTokens.Family(s, LOGIN.plusSeconds(5), "0".repeat(64), List.of());
        String json = RefreshTokens.KIND.encode(f);
        assertThat(RefreshTokens.KIND.decode(json).startedAt()).isEqualTo(LOGIN.plusSeconds(5));
        String legacy = json.replaceFirst(",?\"startedAt\":\"[^\"]*\"", "");
        assertThat(legacy).doesNotContain("startedAt");
        assertThat(RefreshTokens.KIND.decode(legacy).startedAt()).isEqualTo(s.user().authTime());
        assertThat(s.familyExpiresAt()).isEqualTo(LOGIN.plus(FAMILY_LIFETIME));
    }
}
