package io.greenshank.bridge.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.testing.time.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    record Cfg(int freeFailuresPerUser, int freeFailuresPerAddress, Duration initialDelay,
               Duration maxDelayPerUser, Duration maxDelayPerAddress, Duration forgetAfter, int maxTracked)
            implements ThrottleConfig {
    }

    static final Cfg CFG = new Cfg(3, 10, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(15), 100_000);

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that moves a millisecond on every reading: each failure happens at its own instant. */
    static MutableClock ticking() {
        return MutableClock.ticking(START, Duration.ofMillis(1));
    }

    static Cfg bounded(int maxTracked) {
        return new Cfg(3, 10, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(15), maxTracked);
    }

    @Test
    void backsOffPerUserExponentiallyButNeverLocksOutIndefinitely() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        LoginThrottle th = new LoginThrottle(CFG, Clock.fixed(t0, ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            assertThat(th.blockedFor("alice", "10.0.0." + i)).isEmpty();
            th.failed("alice", "10.0.0." + i);
        }
        assertThat(th.blockedFor("Alice", "10.0.0.99")).contains(Duration.ofSeconds(1));
        for (int i = 0; i < 50; i++) {
            th.failed("alice", "10.0.1." + i);
        }
        assertThat(th.blockedFor("alice", "10.9.9.9")).contains(CFG.maxDelayPerUser());
        LoginThrottle later = new LoginThrottle(CFG, Clock.fixed(t0.plus(CFG.maxDelayPerUser()), ZoneOffset.UTC));
        assertThat(later.blockedFor("alice", "10.9.9.9")).isEmpty();
    }

    @Test
    void backsOffPerAddressAcrossUsers() {
        LoginThrottle th = new LoginThrottle(CFG, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        for (int i = 0; i < 12; i++) {
            th.failed("user" + i, "192.0.2.1");
        }
        assertThat(th.blockedFor("someone-new", "192.0.2.1")).isPresent();
        assertThat(th.blockedFor("someone-new", "192.0.2.2")).isEmpty();
    }

    @Test
    void successClearsTheUsersFailures() {
        LoginThrottle th = new LoginThrottle(CFG, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        for (int i = 0; i < 5; i++) {
            th.failed("bob", "198.51.100." + i);
        }
        th.succeeded("bob");
        assertThat(th.blockedFor("bob", "203.0.113.1")).isEmpty();
    }

    @Test
    void cyclingUserNamesAndAddressesCannotGrowItBeyondItsBound() {
        LoginThrottle th = new LoginThrottle(bounded(1_000), ticking());
        for (int i = 0; i < 50_000; i++) {
            th.failed("user-" + i, "2001:db8::" + Integer.toHexString(i));
            assertThat(th.tracked()).isLessThanOrEqualTo(1_000);
        }
        assertThat(th.tracked()).as("trimmed to 90%, then refilled").isGreaterThanOrEqualTo(900);
    }

    @Test
    void aUserUnderSustainedAttackStaysThrottledWhileTheTableIsTrimmed() {
        LoginThrottle th = new LoginThrottle(bounded(1_000), ticking());
        for (int i = 0; i < 20_000; i++) {
            th.failed("user-" + i, "198.51.100." + (i % 250));
            if (i % 50 == 0) {
                th.failed("alice", "203.0.113.7");
            }
        }
        assertThat(th.blockedFor("alice", "192.0.2.200")).as("alice's failures are recent, so kept").isPresent();
        assertThat(th.blockedFor("someone-else", "198.51.100.3")).as("a busy address is kept too").isPresent();
    }

    @Test
    void aLongUserNameCostsAFixedSizeEntryAndIsStillThrottled() {
        String huge = "A".repeat(10_000);
        assertThat(LoginThrottle.userKey(huge)).hasSizeLessThanOrEqualTo(66)
                .isEqualTo(LoginThrottle.userKey(huge.toLowerCase() + " "));
        assertThat(LoginThrottle.userKey("alice")).isNotEqualTo(LoginThrottle.userKey("bob"));
        assertThat(LoginThrottle.addressKey("x".repeat(5_000))).hasSizeLessThanOrEqualTo(66);

        LoginThrottle th = new LoginThrottle(CFG, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            th.failed(huge, "10.1.0." + i);
        }
        assertThat(th.blockedFor(huge.toLowerCase(), "10.2.0.1")).isPresent();
        assertThat(th.blockedFor("A".repeat(9_999), "10.2.0.1")).isEmpty();
    }

    @Test
    void forgottenFailuresGoFirstWhenTheTableFills() {
        MutableClock clock = new MutableClock(START);
        LoginThrottle th = new LoginThrottle(bounded(100), clock);
        for (int i = 0; i < 45; i++) {
            th.failed("old-" + i, "10.0.0." + i);
        }
        th.failed("alice", "10.9.9.9");
        th.failed("alice", "10.9.9.9");
        th.failed("alice", "10.9.9.9");
        clock.advance(CFG.forgetAfter().plusSeconds(1));
        th.failed("alice", "10.9.9.9"); // a new run of failures: alice's count restarts at 1
        for (int i = 0; i < 10; i++) {
            th.failed("new-" + i, "10.1.0." + i);
        }
        assertThat(th.tracked()).as("the 90 forgotten entries went; 2 + 20 recent stay").isEqualTo(22);
    }
}
