package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.SpnegoInitiator;
import io.greenshank.testing.kerberos.MitKdc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptor against tickets an MIT KDC on loopback issued to {@code kinit} users, presented through the JDK's
 * SPNEGO initiator (the same code the kubectl plugin runs).
 */
class SpnegoAcceptorTest {
    static MitKdc kdc;
    static Path aliceCcache;
    static Path work;

    @BeforeAll
    static void realm() throws Exception {
        kdc = MitKdc.shared();
        kdc.addUser("acc-alice", "acc-alice-pw");
        aliceCcache = kdc.kinit("acc-alice", "acc-alice-pw");
        work = Files.createTempDirectory("greenshank-acceptor-");
        Krb5Setup.install(Optional.of(kdc.krb5Conf()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void restoreSkew() throws Exception {
        Krb5Setup.install(Optional.of(kdc.krb5Conf()), Duration.ofMinutes(5));
    }

    static byte[] token(String service) throws Exception {
        return SpnegoInitiator.start(aliceCcache, "acc-alice@" + MitKdc.REALM, "localhost", service).initialToken();
    }

    static SpnegoAcceptor acceptor(Path keytab, Optional<String> principal) {
        return acceptor(keytab, principal, Duration.ZERO);
    }

    static SpnegoAcceptor acceptor(Path keytab, Optional<String> principal, Duration oldKeyGrace) {
        return new SpnegoAcceptor(new ServiceKeytab(Optional.of(keytab), principal, Duration.ZERO, oldKeyGrace,
                Clock.systemUTC()));
    }

    /** Several tokens from one login: the JDK reuses the service ticket, so they share its key version. */
    static List<byte[]> tokensFromOneTicket(String service, int n) throws Exception {
        return SpnegoTokens.fromTicketCache(aliceCcache, service, SpnegoTokens.KERBEROS_PRINCIPAL_NAME, false, n);
    }

    @Test
    void acceptsAKinitTicketAndProvesItselfToTheClient() throws Exception {
        SpnegoInitiator client = SpnegoInitiator.start(aliceCcache, "acc-alice@" + MitKdc.REALM, "localhost", null);
        byte[] token = client.initialToken();
        SpnegoOutcome outcome = acceptor(kdc.serviceKeytab(), Optional.of(kdc.servicePrincipal())).accept(token);
        assertThat(outcome).isInstanceOf(SpnegoOutcome.Accepted.class);
        SpnegoOutcome.Accepted accepted = (SpnegoOutcome.Accepted) outcome;
        assertThat(accepted.clientPrincipal()).isEqualTo("acc-alice@" + MitKdc.REALM);
        assertThat(accepted.mutualToken()).isPresent();
        client.complete(accepted.mutualToken().get());
        assertThat(client.isEstablished()).isTrue();
    }

    @Test
    void rejectsAReplayedToken() throws Exception {
        SpnegoAcceptor acceptor = acceptor(kdc.serviceKeytab(), Optional.empty());
        byte[] token = token(null);
        assertThat(acceptor.accept(token)).isInstanceOf(SpnegoOutcome.Accepted.class);
        assertThat(rejected(acceptor.accept(token)).reason()).isEqualTo(RejectionReason.REPLAY);
    }

    @Test
    void rejectsAnAuthenticatorOlderThanTheClockSkew() throws Exception {
        byte[] token = token(null);
        Thread.sleep(3_500); // the configured skew is 2 s
        SpnegoOutcome outcome = acceptor(kdc.serviceKeytab(), Optional.empty()).accept(token);
        assertThat(rejected(outcome).reason()).isEqualTo(RejectionReason.CLOCK_SKEW);
    }

    @Test
    void rejectsATicketForAnotherServicePrincipal() throws Exception {
        Path otherKeytab = work.resolve("other.keytab");
        kdc.addService("HTTP/other.localhost", otherKeytab);
        byte[] token = token("HTTP/other.localhost@" + MitKdc.REALM);
        SpnegoOutcome outcome = acceptor(kdc.serviceKeytab(), Optional.of(kdc.servicePrincipal())).accept(token);
        assertThat(rejected(outcome).reason()).isEqualTo(RejectionReason.WRONG_SERVICE);
        assertThat(rejected(outcome).detail()).contains("HTTP/localhost@" + MitKdc.REALM);
    }

    @Test
    void withoutAKeytabRefusesWithAnActionableReason() throws Exception {
        SpnegoOutcome outcome = acceptor(work.resolve("missing.keytab"), Optional.empty()).accept(token(null));
        assertThat(rejected(outcome).reason()).isEqualTo(RejectionReason.NO_KEYTAB);
        assertThat(rejected(outcome).detail()).contains("missing.keytab");
    }

    @Test
    void aKeytabWithoutTheConfiguredPrincipalIsRefused() throws Exception {
        SpnegoOutcome outcome = acceptor(kdc.serviceKeytab(), Optional.of("HTTP/nowhere@" + MitKdc.REALM))
                .accept(token(null));
        assertThat(rejected(outcome).reason()).isEqualTo(RejectionReason.NO_KEYTAB);
        assertThat(rejected(outcome).detail()).contains("HTTP/nowhere").contains("greenshank.kerberos.service-principal");
    }

    @Test
    void picksUpARotatedKeytabWithoutARestartAndDropsOldKeysWithoutGrace() throws Exception {
        String principal = "HTTP/rotate.localhost@" + MitKdc.REALM;
        Path live = work.resolve("rotate.keytab");
        kdc.addService("HTTP/rotate.localhost", live);
        SpnegoAcceptor acceptor = acceptor(live, Optional.of(principal), Duration.ZERO);
        List<byte[]> oldTicket = tokensFromOneTicket(principal, 2);
        assertThat(acceptor.accept(oldTicket.get(0))).isInstanceOf(SpnegoOutcome.Accepted.class);

        rotate("HTTP/rotate.localhost", live);

        assertThat(acceptor.accept(token(principal))).as("new kvno").isInstanceOf(SpnegoOutcome.Accepted.class);
        SpnegoOutcome.Rejected stale = rejected(acceptor.accept(oldTicket.get(1)));
        assertThat(stale.reason()).isEqualTo(RejectionReason.WRONG_SERVICE);
        assertThat(stale.detail()).contains("kvno 2");
    }

    @Test
    void keepsRetiredKeysForTheGracePeriodSoIssuedTicketsStayGood() throws Exception {
        String principal = "HTTP/grace.localhost@" + MitKdc.REALM;
        Path live = work.resolve("grace.keytab");
        kdc.addService("HTTP/grace.localhost", live);
        SpnegoAcceptor acceptor = acceptor(live, Optional.of(principal), Duration.ofHours(10));
        List<byte[]> oldTicket = tokensFromOneTicket(principal, 2);
        assertThat(acceptor.accept(oldTicket.get(0))).isInstanceOf(SpnegoOutcome.Accepted.class);

        rotate("HTTP/grace.localhost", live);

        assertThat(acceptor.accept(token(principal))).as("new kvno").isInstanceOf(SpnegoOutcome.Accepted.class);
        assertThat(acceptor.accept(oldTicket.get(1))).as("old kvno within grace")
                .isInstanceOf(SpnegoOutcome.Accepted.class);
    }

    /** The KDC gets new keys (kvno+1); the operator installs a keytab holding only those, by atomic rename. */
    private static void rotate(String service, Path live) throws Exception {
        Path fresh = work.resolve("fresh-" + System.nanoTime() + ".keytab");
        kdc.rotate(service, fresh);
        Files.move(fresh, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aHalfWrittenKeytabKeepsTheLastGoodKeys() throws Exception {
        String principal = "HTTP/partial.localhost@" + MitKdc.REALM;
        Path live = work.resolve("partial.keytab");
        kdc.addService("HTTP/partial.localhost", live);
        SpnegoAcceptor acceptor = acceptor(live, Optional.of(principal));
        assertThat(acceptor.accept(token(principal))).isInstanceOf(SpnegoOutcome.Accepted.class);
        byte[] whole = Files.readAllBytes(live);
        Files.write(live, java.util.Arrays.copyOf(whole, 7));
        assertThat(acceptor.accept(token(principal))).isInstanceOf(SpnegoOutcome.Accepted.class);
    }

    @Test
    void garbageAndNtlmAreRefusedNotThrown() {
        SpnegoAcceptor acceptor = acceptor(kdc.serviceKeytab(), Optional.empty());
        assertThat(rejected(acceptor.accept(new byte[0])).reason()).isEqualTo(RejectionReason.MALFORMED_TOKEN);
        assertThat(rejected(acceptor.accept("not a token at all".getBytes(StandardCharsets.UTF_8))).reason())
                .isEqualTo(RejectionReason.MALFORMED_TOKEN);
        byte[] ntlm = Base64.getDecoder().decode("TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==");
        assertThat(rejected(acceptor.accept(ntlm)).reason()).isEqualTo(RejectionReason.NTLM);
        byte[] truncated = new byte[] {0x60, (byte) 0x82, 0x10, 0x00, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
        assertThat(acceptor.accept(truncated)).isInstanceOf(SpnegoOutcome.Rejected.class);
    }

    private static SpnegoOutcome.Rejected rejected(SpnegoOutcome outcome) {
        assertThat(outcome).isInstanceOf(SpnegoOutcome.Rejected.class);
        return (SpnegoOutcome.Rejected) outcome;
    }
}
