package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.testing.ldap.Slapd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The directory against a real OpenLDAP slapd. */
class SlapdDirectoryTest {

    static Slapd slapd;
    static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        slapd = ExampleDirectory.start();
        directory = new LdapDirectory(ExampleDirectory.settings(slapd));
    }

    @AfterAll
    static void stop() throws Exception {
        if (directory != null) {
            directory.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void authenticatesWithEntryUuidSubjectAndNestedGroups() throws Exception {
        DirectoryUser alice = directory.authenticate("alice", "alice-secret-1");
        assertThat(alice.subject()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(alice.username()).isEqualTo("alice");
        assertThat(alice.email()).contains("alice@example.test");
        assertThat(alice.groups()).containsExactlyInAnyOrder("ml-engineers", "data-science", "all-staff");
        assertThat(alice.status()).isEqualTo(AccountStatus.ACTIVE);
        // The subject is the same on every lookup (it is the entry's, not the session's).
        assertThat(directory.findUser("alice")).get().extracting(DirectoryUser::subject).isEqualTo(alice.subject());
    }

    @Test
    void memberOfGivesTheSameGroupsWithoutAGroupSearch() throws Exception {
        try (LdapDirectory byMemberOf = new LdapDirectory(ExampleDirectory.settings(slapd).withGroupStrategy(GroupStrategy.MEMBER_OF)
                .withNestedGroupCacheTtl(java.time.Duration.ZERO))) {
            assertThat(byMemberOf.authenticate("alice", "alice-secret-1").groups())
                    .containsExactlyInAnyOrder("ml-engineers", "data-science", "all-staff");
            assertThat(byMemberOf.authenticate("bob", "bob-secret-1").groups())
                    .containsExactlyInAnyOrder("all-staff", "loop-a", "loop-b");
            assertThat(byMemberOf.findUser("josé")).get().extracting(DirectoryUser::groups).asList().isEmpty();
        }
    }

    @Test
    void groupCyclesTerminate() throws Exception {
        assertThat(directory.authenticate("bob", "bob-secret-1").groups())
                .containsExactlyInAnyOrder("all-staff", "loop-a", "loop-b");
    }

    @Test
    void wrongPasswordUnknownUserEmptyPasswordAndLockedAccountAreRefused() {
        assertThatThrownBy(() -> directory.authenticate("alice", "wrong")).isInstanceOf(LoginFailedException.class)
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.BAD_CREDENTIALS);
        assertThatThrownBy(() -> directory.authenticate("nobody", "x"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.UNKNOWN_USER);
        assertThatThrownBy(() -> directory.authenticate("alice", ""))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.EMPTY_PASSWORD);
        assertThatThrownBy(() -> directory.authenticate("locked", "locked-secret-1"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.ACCOUNT_LOCKED);
    }

    @Test
    void lockedAccountIsReportedByLookup() throws Exception {
        assertThat(directory.findUser("locked")).get().extracting(DirectoryUser::status)
                .isEqualTo(AccountStatus.LOCKED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*)(uid=*))(|(uid=*", "admin)(&)", "\\", "alice\u0000", "al*", "*alice*",
            "alice)(uid=bob", "ALICE\\2a"})
    void injectionStringsFindNoOne(String login) throws Exception {
        assertThat(directory.findUser(login)).isEmpty();
        assertThatThrownBy(() -> directory.authenticate(login, "alice-secret-1"))
                .isInstanceOf(LoginFailedException.class);
    }

    @Test
    void veryLongAndNonAsciiNames() throws Exception {
        assertThat(directory.findUser("a".repeat(10_000))).isEmpty();
        assertThat(directory.authenticate("josé", "jose-secret-1").name()).contains("José Núñez");
        // A literal asterisk in a uid matches only that entry, not as a wildcard.
        assertThat(directory.findUser("star*user")).get().extracting(DirectoryUser::username)
                .isEqualTo("star*user");
    }

    @Test
    void directoryDownIsUnavailableWithinTheTimeoutAndThePoolRecovers() throws Exception {
        try (Slapd own = ExampleDirectory.start();
             LdapDirectory d = new LdapDirectory(ExampleDirectory.settings(own)
                     .withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)))) {
            assertThat(d.authenticate("alice", "alice-secret-1").username()).isEqualTo("alice");
            own.stop();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOf(DirectoryUnavailableException.class);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(5));
            own.restart();
            assertThat(d.authenticate("alice", "alice-secret-1").username()).isEqualTo("alice");
        }
    }

    @Test
    void aDirectoryThatAcceptsButNeverAnswersTimesOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (java.io.IOException ignored) {
                            // closing
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LdapSettings slow = LdapSettings.of(Preset.OPENLDAP, java.util.List.of("ldap://127.0.0.1:" + silent.getLocalPort()),
                    null, null, Slapd.PEOPLE, Slapd.GROUPS).withTimeouts(java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(1));
            try (LdapDirectory d = new LdapDirectory(slow)) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                        .isInstanceOf(DirectoryUnavailableException.class);
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0))
                        .isLessThan(java.time.Duration.ofSeconds(4));
            }
        }
    }
}
