package io.greenshank.bridge.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    record Cfg(int freeFailuresPerUser, int freeFailuresPerAddress, Duration initialDelay,
               Duration maxDelayPerUser, Duration maxDelayPerAddress, Duration forgetAfter) implements ThrottleConfig {
    }

    static final Cfg CFG = new Cfg(3, 10, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(15));

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
}
