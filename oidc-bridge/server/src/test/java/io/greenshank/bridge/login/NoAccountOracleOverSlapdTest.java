package io.greenshank.bridge.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.ldap.ExampleDirectory;
import io.greenshank.bridge.ldap.LdapDirectory;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.throttle.ThrottleConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No account oracle on a real slapd: a refused login takes as long for an unknown account and a locked one as for a
 * wrong password of an active one, and the throttle still applies to all of them. (OpenLDAP has no disabled state.)
 */
class NoAccountOracleOverSlapdTest {

    static final List<RefusalTimes.Attempt> ATTEMPTS = List.of(
            new RefusalTimes.Attempt("unknown", "nobody-here", "Guess-1234"),
            new RefusalTimes.Attempt("locked", "locked", "Guess-1234"),
            new RefusalTimes.Attempt("wrong-password", "alice", "Guess-1234"));

    static ExampleDirectory.Running running;
    static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        running = ExampleDirectory.open();
        directory = running.directory();
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void refusalsOfUnknownLockedAndActiveAccountsTakeAlike() throws Exception {
        Map<String, Duration> paced = RefusalTimes.measure("slapd", directory, ATTEMPTS, 20, 60);
        assertThat(RefusalTimes.spread(paced)).as(RefusalTimes.format(paced)).isLessThanOrEqualTo(1.5);
    }

    @Test
    void theThrottleStillAppliesToUnknownAndKnownAccountsAlike() throws Exception {
        PasswordLogin login = new PasswordLogin(directory, new LoginThrottle(ThrottleConfigs.of(3, 1_000),
                Clock.systemUTC()), new SimpleMeterRegistry(), Clock.systemUTC());
        for (String user : List.of("nobody-either", "bob")) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> login.login(user, "Guess-1234", "192.0.2.7"))
                        .isInstanceOfSatisfying(PasswordLogin.Refused.class,
                                e -> assertThat(e.retryAfter()).isEmpty());
            }
            assertThatThrownBy(() -> login.login(user, "Guess-1234", "192.0.2.7"))
                    .as(user).isInstanceOfSatisfying(PasswordLogin.Refused.class,
                            e -> assertThat(e.retryAfter()).isPresent());
        }
    }
}
