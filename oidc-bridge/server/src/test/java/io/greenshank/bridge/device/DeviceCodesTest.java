package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.session.MemorySessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.identity.AuthMethod;
import io.greenshank.testing.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RFC 8628 rules on one replica: every poll answer, single use, decisions, and what the store holds. */
class DeviceCodesTest {

    static final AuthenticatedUser ALICE = AuthenticatedUser.of(new DirectoryUser("subject-of-alice", "alice",
            "uid=alice,dc=test", Optional.empty(), Optional.empty(), List.of("staff"), AccountStatus.ACTIVE),
            AuthMethod.PASSWORD, Instant.parse("2026-01-01T00:00:00Z"));

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final MemorySessionStore<DeviceCodes.Grant> store = new MemorySessionStore<>(DeviceCodes.KIND);
    final DeviceCodes codes = new DeviceCodes(store, Duration.ofMinutes(10), Duration.ofSeconds(5), clock);

    static String canonical(DeviceCodes.Started s) {
        return UserCodes.normalize(s.userCode()).orElseThrow();
    }

    @Test
    void userCodesUseTheRfc8628AlphabetAndAreReadForgivingly() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String c = UserCodes.generate();
            assertThat(c).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
            seen.add(c);
        }
        assertThat(seen).as("random, not a sequence").hasSizeGreaterThan(1_990);
        assertThat(UserCodes.normalize("wdjb-mjht")).contains("WDJBMJHT");
        assertThat(UserCodes.normalize(" WDJB MJHT ")).contains("WDJBMJHT");
        assertThat(UserCodes.normalize("WDJBMJHT")).contains("WDJBMJHT");
        assertThat(UserCodes.normalize("WDJA-MJHT")).as("a vowel is never in a code").isEmpty();
        assertThat(UserCodes.normalize("WDJB-MJH")).isEmpty();
        assertThat(UserCodes.normalize("<script>")).isEmpty();
        assertThat(UserCodes.normalize("B".repeat(10_000))).isEmpty();
        assertThat(UserCodes.normalize(null)).isEmpty();
    }

    @Test
    void pendingThenApprovedThenRedeemedOnce() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid", "groups"));
        assertThat(s.deviceCode()).hasSize(43);
        assertThat(s.expiresInSeconds()).isEqualTo(600);
        assertThat(s.intervalSeconds()).isEqualTo(5);
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Pending.class);
        clock.advance(Duration.ofSeconds(5));
        assertThat(codes.pending(canonical(s))).map(DeviceCodes.Grant::clientId).contains("kubectl");
        assertThat(codes.decide(canonical(s), true, Optional.of(ALICE))).isEqualTo(DeviceCodes.Decision.APPROVED);
        assertThat(codes.decide(canonical(s), false, Optional.empty())).as("decided once")
                .isEqualTo(DeviceCodes.Decision.NOT_FOUND);
        DeviceCodes.Poll p = codes.poll(s.deviceCode(), "kubectl");
        assertThat(p).isInstanceOf(DeviceCodes.Approved.class);
        assertThat(((DeviceCodes.Approved) p).user()).isEqualTo(ALICE);
        assertThat(((DeviceCodes.Approved) p).grant().scopes()).containsExactlyInAnyOrder("openid", "groups");
        clock.advance(Duration.ofSeconds(5));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).as("single use").isInstanceOf(DeviceCodes.Unknown.class);
        assertThat(codes.trackedPolls()).isZero();
    }

    @Test
    void pollingFasterThanTheIntervalIsSlowDownAndAddsFiveSeconds() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Pending.class);
        clock.advance(Duration.ofSeconds(2));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isEqualTo(new DeviceCodes.SlowDown(10));
        clock.advance(Duration.ofSeconds(5));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).as("5 s is now too fast: the interval is 10 s")
                .isEqualTo(new DeviceCodes.SlowDown(15));
        clock.advance(Duration.ofSeconds(15));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Pending.class);
        assertThat(store.get(SessionKeys.sha256Hex(s.deviceCode())).orElseThrow().value().intervalSeconds())
                .as("the raised interval is stored, so every replica applies it").isEqualTo(15);
        clock.advance(Duration.ofMillis(12_500));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).as("a fifth of the interval early is jitter")
                .isInstanceOf(DeviceCodes.Pending.class);
    }

    @Test
    void deniedIsAccessDeniedOnEveryPoll() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        assertThat(codes.decide(canonical(s), false, Optional.empty())).isEqualTo(DeviceCodes.Decision.DENIED);
        assertThat(codes.decide(canonical(s), true, Optional.of(ALICE))).as("no approval after a denial")
                .isEqualTo(DeviceCodes.Decision.NOT_FOUND);
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Denied.class);
        clock.advance(Duration.ofSeconds(5));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Denied.class);
    }

    @Test
    void expiredIsExpiredTokenUntilSweptAndCannotBeApproved() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        clock.advance(Duration.ofMinutes(10));
        assertThat(codes.pending(canonical(s))).isEmpty();
        assertThat(codes.decide(canonical(s), true, Optional.of(ALICE))).isEqualTo(DeviceCodes.Decision.NOT_FOUND);
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Expired.class);
        assertThat(store.sweep(clock.instant())).as("still answering expired_token").isZero();
        clock.advance(DeviceCodes.EXPIRED_VISIBLE);
        assertThat(store.sweep(clock.instant())).isEqualTo(1);
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Unknown.class);
    }

    @Test
    void anotherClientsPollAndForgedCodesAreUnknown() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        codes.decide(canonical(s), true, Optional.of(ALICE));
        assertThat(codes.poll(s.deviceCode(), "webapp")).isInstanceOf(DeviceCodes.Unknown.class);
        assertThat(codes.poll(SessionKeys.random(32), "kubectl")).isInstanceOf(DeviceCodes.Unknown.class);
        assertThat(codes.poll(s.deviceCode(), "kubectl")).as("the other client's poll did not spend it")
                .isInstanceOf(DeviceCodes.Approved.class);
    }

    @Test
    void theStoreHoldsHashesNeverTheCodes() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        codes.decide(canonical(s), true, Optional.of(ALICE));
        var stored = store.find(Map.of());
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).key()).isEqualTo(SessionKeys.sha256Hex(s.deviceCode()));
        String json = DeviceCodes.KIND.encode(stored.get(0).value());
        assertThat(json).doesNotContain(s.deviceCode()).doesNotContain(canonical(s)).doesNotContain(s.userCode());
        assertThat(DeviceCodes.KIND.decode(json)).isEqualTo(stored.get(0).value());
    }

    @Test
    void aWrongUserCodeFindsNothing() throws Exception {
        codes.start("kubectl", Set.of("openid"));
        assertThat(codes.pending("BBBBBBBB")).isEmpty();
        assertThat(codes.decide("BBBBBBBB", true, Optional.of(ALICE))).isEqualTo(DeviceCodes.Decision.NOT_FOUND);
    }
}
