package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import io.greenshank.testing.ldap.Slapd;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The directory self-check and misconfiguration errors against a real slapd. */
class DirectorySelfCheckOverSlapdTest {

    static Slapd slapd;

    @BeforeAll
    static void start() throws Exception {
        slapd = ExampleDirectory.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void aWorkingConfigurationIsReady() throws Exception {
        try (LdapDirectory d = new LdapDirectory(ExampleDirectory.settings(slapd))) {
            DirectoryCheck c = d.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.READY);
            assertThat(c.reason()).isEmpty();
        }
    }

    @Test
    void aWrongBindPasswordIsAMisconfigurationForTheCheckAndForLogins() throws Exception {
        LdapSettings wrong = ExampleDirectory.settings(slapd).withBind(Optional.of(Slapd.ROOT_DN),
                Optional.of("not-the-password"));
        try (LdapDirectory d = new LdapDirectory(wrong)) {
            DirectoryCheck c = d.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.MISCONFIGURED);
            assertThat(c.reason()).contains(Slapd.ROOT_DN).contains("greenshank.bridge.ldap.bind-password")
                    .doesNotContain("not-the-password");
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOfSatisfying(DirectoryMisconfiguredException.class,
                            e -> assertThat(e.fix()).contains("bind-password"));
        }
    }

    @Test
    void anAbsentBaseIsAMisconfigurationUntilItIsCreated() throws Exception {
        String later = "ou=later," + Slapd.BASE;
        try (LdapDirectory d = new LdapDirectory(ExampleDirectory.settings(slapd).withBases(later, Slapd.GROUPS))) {
            DirectoryCheck c = d.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.MISCONFIGURED);
            assertThat(c.reason()).contains(later).contains("greenshank.bridge.ldap.user-base-dn");
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOf(DirectoryMisconfiguredException.class);
            try (LDAPConnection admin = new LDAPConnection("127.0.0.1", slapd.port(), Slapd.ROOT_DN, Slapd.ROOT_PW)) {
                admin.add("dn: " + later, "objectClass: organizationalUnit", "ou: later");
            }
            // The same directory object, no restart: the next check and the next login see the fix.
            assertThat(d.selfCheck().state()).isEqualTo(DirectoryCheck.State.READY);
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOfSatisfying(LoginFailedException.class,
                            e -> assertThat(e.reason()).isEqualTo(LoginFailedException.Reason.UNKNOWN_USER));
        }
    }

    @Test
    void anOutageIsUnreachableNotMisconfiguredAndRecovers() throws Exception {
        try (Slapd own = ExampleDirectory.start();
             LdapDirectory d = new LdapDirectory(ExampleDirectory.settings(own)
                     .withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)))) {
            assertThat(d.selfCheck().state()).isEqualTo(DirectoryCheck.State.READY);
            own.stop();
            DirectoryCheck down = d.selfCheck();
            assertThat(down.state()).isEqualTo(DirectoryCheck.State.UNREACHABLE);
            assertThat(down.reason()).contains(own.url());
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOf(DirectoryUnavailableException.class)
                    .isNotInstanceOf(DirectoryMisconfiguredException.class);
            own.restart();
            assertThat(d.selfCheck().state()).isEqualTo(DirectoryCheck.State.READY);
        }
    }
}
