package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Active Directory behaviour against a real Samba AD domain controller provisioned on loopback for this suite
 * (once: Samba binds the fixed ports 88 and 389, so this is the only suite that starts one).
 */
class SambaAdDirectoryTest {

    static final String REALM = "AD.EXAMPLE.TEST";
    static final String BASE = "DC=ad,DC=example,DC=test";
    static final String ADMIN_PW = "Adm1n-Passw0rd!x";
    static final String ALICE_PW = "Al1ce-Passw0rd!x";

    static Path dir;
    static Process samba;
    static LdapDirectory directory;

    @BeforeAll
    static void provision() throws Exception {
        for (int port : new int[] {389, 88}) {
            if (listening(port)) {
                throw new IllegalStateException("127.0.0.1:" + port + " is already in use (another samba or LDAP "
                        + "server, perhaps a concurrent run of this suite): stop it and re-run. Samba AD needs the "
                        + "fixed ports 88 and 389.");
            }
        }
        dir = Files.createTempDirectory("greenshank-samba");
        run("samba-tool", "domain", "provision", "--targetdir=" + dir, "--realm=" + REALM, "--domain=ADEXAMPLE",
                "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307", "--adminpass=" + ADMIN_PW,
                "--host-ip=127.0.0.1", "--option=interfaces=lo", "--option=bind interfaces only=yes");
        Path conf = dir.resolve("etc/smb.conf");
        // Samba's RPC endpoints listen on ports from 49152 up by default, inside Linux's ephemeral range
        // (32768-60999): a client socket of this very build can hold one, and samba then exits with
        // NT_STATUS_ADDRESS_ALREADY_ASSOCIATED (seen in a full verify). Above the ephemeral range only a listener
        // chosen on purpose can collide.
        String smb = Files.readString(conf).replace("[global]",
                "[global]\n\tldap server require strong auth = no\n\trpc server dynamic port range = 61000-61999");
        Files.writeString(conf, smb);
        String s = "-s" + conf;
        run("samba-tool", "domain", "passwordsettings", "set", "--max-pwd-age=0", "--complexity=off", s);
        run("samba-tool", "user", "create", "alice", ALICE_PW, "--mail-address=alice@ad.example.test",
                "--given-name=Alice", "--surname=Adams", s);
        run("samba-tool", "user", "create", "dave", "Dave-Passw0rd!x", s);
        run("samba-tool", "user", "disable", "dave", s);
        run("samba-tool", "user", "create", "erin", "Erin-Passw0rd!x", "--must-change-at-next-login", s);
        // lou is locked out by a password settings object of his own (threshold 2); the domain has no lockout, so the
        // timing test's many wrong passwords for alice lock no one.
        run("samba-tool", "user", "create", "lou", "Lou-Passw0rd!x", s);
        run("samba-tool", "domain", "passwordsettings", "pso", "create", "lockout-lou", "1",
                "--account-lockout-threshold=2", "--account-lockout-duration=600",
                "--reset-account-lockout-after=600", s);
        run("samba-tool", "domain", "passwordsettings", "pso", "apply", "lockout-lou", "lou", s);
        run("samba-tool", "group", "add", "ml-engineers", s);
        run("samba-tool", "group", "add", "data-science", s);
        run("samba-tool", "group", "add", "all-staff", s);
        run("samba-tool", "group", "addmembers", "ml-engineers", "alice", s);
        run("samba-tool", "group", "addmembers", "data-science", "ml-engineers", s);
        run("samba-tool", "group", "addmembers", "all-staff", "data-science", s);
        samba = new ProcessBuilder("samba", "-i", "-M", "single", "-s", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("samba.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!listening(389)) {
            if (!samba.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("samba did not start: " + Files.readString(dir.resolve("samba.log")));
            }
            Thread.sleep(200);
        }
        LdapSettings settings = LdapSettings.of(Preset.ACTIVE_DIRECTORY, List.of("ldap://127.0.0.1:389"),
                "Administrator@ad.example.test", ADMIN_PW, BASE, BASE);
        // The first searches after start-up can be slow while Samba warms up.
        adminSettings = settings.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15));
        directory = new LdapDirectory(adminSettings);
        for (int i = 0; i < 3; i++) {
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", 389)) {
                c.bind("lou@ad.example.test", "wrong-Passw0rd");
            } catch (LDAPException expected) {
                // counted by AD: the third is past lou's threshold
            }
        }
    }

    static LdapSettings adminSettings;

    @AfterAll
    static void stop() throws Exception {
        if (directory != null) {
            directory.close();
        }
        if (samba != null) {
            samba.destroy();
            if (!samba.waitFor(15, TimeUnit.SECONDS)) {
                samba.destroyForcibly().waitFor();
            }
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void upnAndSamAccountNameLoginsGiveTheObjectGuidSubjectAndInChainGroups() throws Exception {
        DirectoryUser byUpn = directory.authenticate("alice@ad.example.test", ALICE_PW);
        DirectoryUser bySam = directory.authenticate("alice", ALICE_PW);
        assertThat(byUpn.subject()).isEqualTo(bySam.subject());
        assertThat(byUpn.username()).isEqualTo("alice");
        assertThat(byUpn.email()).contains("alice@ad.example.test");
        assertThat(byUpn.groups()).contains("ml-engineers", "data-science", "all-staff");
        // The subject is objectGUID in AD's own textual form, as samba-tool shows it.
        String shown = run("samba-tool", "user", "show", "alice", "--attributes=objectGUID",
                "-s" + dir.resolve("etc/smb.conf"));
        Matcher m = Pattern.compile("objectGUID: ([0-9a-f-]{36})").matcher(shown);
        assertThat(m.find()).as(shown).isTrue();
        assertThat(byUpn.subject()).isEqualTo(m.group(1));
    }

    @Test
    void wrongPasswordIsData52eAndRefused() throws Exception {
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", 389)) {
            LDAPException e = org.junit.jupiter.api.Assertions.assertThrows(LDAPException.class,
                    () -> c.bind("alice@ad.example.test", "wrong-Passw0rd"));
            assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_CREDENTIALS);
            assertThat(e.getDiagnosticMessage()).contains("data 52e");
            assertThat(LdapDirectory.adBindReason(e.getDiagnosticMessage()))
                    .isEqualTo(LoginFailedException.Reason.BAD_CREDENTIALS);
        }
        assertThatThrownBy(() -> directory.authenticate("alice", "wrong-Passw0rd"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.BAD_CREDENTIALS);
    }

    @Test
    void disabledAccountIsRefusedAndReported() throws Exception {
        assertThat(directory.findUser("dave")).get().extracting(DirectoryUser::status)
                .isEqualTo(AccountStatus.DISABLED);
        assertThatThrownBy(() -> directory.authenticate("dave", "Dave-Passw0rd!x"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.ACCOUNT_DISABLED);
    }

    @Test
    void mustChangePasswordAtNextLogonIsRefused() throws Exception {
        assertThat(directory.findUser("erin")).get().extracting(DirectoryUser::status)
                .isEqualTo(AccountStatus.DISABLED);
        assertThatThrownBy(() -> directory.authenticate("erin", "Erin-Passw0rd!x"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.ACCOUNT_DISABLED);
    }

    @Test
    void injectionStringsFindNoOne() throws Exception {
        for (String s : List.of("*", "*)(sAMAccountName=*))(|(sAMAccountName=*", "admin)(&)", "\\", "a\u0000")) {
            assertThat(directory.findUser(s)).as(s).isEmpty();
        }
    }

    @Test
    void aLockedOutAccountIsReportedLocked() throws Exception {
        assertThat(directory.findUser("lou")).get().extracting(DirectoryUser::status)
                .isEqualTo(AccountStatus.LOCKED);
        assertThatThrownBy(() -> directory.authenticate("lou", "Lou-Passw0rd!x"))
                .extracting(e -> ((LoginFailedException) e).reason())
                .isEqualTo(LoginFailedException.Reason.ACCOUNT_LOCKED);
    }

    @Test
    void thePrimaryGroupDomainUsersIsInGroupsUnlessTurnedOff() throws Exception {
        DirectoryUser alice = directory.authenticate("alice", ALICE_PW);
        assertThat(alice.groups()).contains("Domain Users", "ml-engineers", "data-science", "all-staff");
        // Found by the Kerberos path's lookup too, and from the cache the second time.
        assertThat(directory.findUser("alice")).get().extracting(DirectoryUser::groups).asList()
                .contains("Domain Users");
        try (LdapDirectory without = new LdapDirectory(adminSettings.withPrimaryGroup(false))) {
            assertThat(without.authenticate("alice", ALICE_PW).groups()).doesNotContain("Domain Users")
                    .contains("ml-engineers");
        }
        // The RID really is primaryGroupID: Domain Users is 513 in every domain.
        String shown = run("samba-tool", "user", "show", "alice", "--attributes=primaryGroupID",
                "-s" + dir.resolve("etc/smb.conf"));
        assertThat(shown).contains("primaryGroupID: 513");
    }

    @Test
    void anonymousAccessIsAMisconfigurationNotAnOutage() throws Exception {
        try (LdapDirectory anonymous = new LdapDirectory(adminSettings.withBind(java.util.Optional.empty(),
                java.util.Optional.empty()))) {
            DirectoryCheck c = anonymous.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.MISCONFIGURED);
            assertThat(c.reason()).contains("00002020").contains("greenshank.bridge.ldap.bind-dn");
            assertThatThrownBy(() -> anonymous.authenticate("alice", ALICE_PW))
                    .isInstanceOfSatisfying(DirectoryMisconfiguredException.class,
                            e -> assertThat(e.fix()).contains("00002020"));
        }
    }

    @Test
    void aWrongServicePasswordAndAnAbsentBaseAreMisconfigurations() throws Exception {
        try (LdapDirectory wrong = new LdapDirectory(adminSettings.withBind(
                java.util.Optional.of("Administrator@ad.example.test"), java.util.Optional.of("Wrong-Passw0rd!x")))) {
            DirectoryCheck c = wrong.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.MISCONFIGURED);
            assertThat(c.reason()).contains("greenshank.bridge.ldap.bind-password");
        }
        String nowhere = "OU=nowhere," + BASE;
        try (LdapDirectory absent = new LdapDirectory(adminSettings.withBases(nowhere, BASE))) {
            DirectoryCheck c = absent.selfCheck();
            assertThat(c.state()).isEqualTo(DirectoryCheck.State.MISCONFIGURED);
            assertThat(c.reason()).contains(nowhere).contains("user-base-dn");
        }
        assertThat(directory.selfCheck().state()).isEqualTo(DirectoryCheck.State.READY);
    }

    @Test
    void refusalsOfUnknownDisabledLockedAndActiveAccountsTakeAlike() throws Exception {
        List<io.greenshank.bridge.login.RefusalTimes.Attempt> attempts = List.of(
                new io.greenshank.bridge.login.RefusalTimes.Attempt("unknown", "nobody-here", "Guess-Passw0rd!x"),
                new io.greenshank.bridge.login.RefusalTimes.Attempt("disabled", "dave", "Guess-Passw0rd!x"),
                new io.greenshank.bridge.login.RefusalTimes.Attempt("locked", "lou", "Guess-Passw0rd!x"),
                new io.greenshank.bridge.login.RefusalTimes.Attempt("wrong-password", "alice", "Guess-Passw0rd!x"));
        var paced = io.greenshank.bridge.login.RefusalTimes.measure("Samba AD", directory, attempts, 10, 40);
        assertThat(io.greenshank.bridge.login.RefusalTimes.spread(paced))
                .as(io.greenshank.bridge.login.RefusalTimes.format(paced)).isLessThanOrEqualTo(1.5);
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd.length > 3 ? List.of(cmd).subList(0, 3) : c)
                    + " failed: " + out);
        }
        return out;
    }
}
