package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.testing.kerberos.MitKdc;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.ap.ApOptions;
import org.apache.kerby.kerberos.kerb.type.ap.ApReq;
import org.apache.kerby.kerberos.kerb.type.ap.Authenticator;
import org.apache.kerby.kerberos.kerb.type.base.EncryptedData;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.base.NameType;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.base.TransitedEncoding;
import org.apache.kerby.kerberos.kerb.type.base.TransitedEncodingType;
import org.apache.kerby.kerberos.kerb.type.ticket.EncTicketPart;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;
import org.apache.kerby.kerberos.kerb.type.ticket.TicketFlags;
import org.junit.jupiter.api.Test;

/**
 * Tickets whose validity window has passed or not begun. No real client presents one (MIT's library and KDC
 * refuse to), so the ticket is sealed here with Kerby exactly as a KDC seals it — with the service key from the
 * MIT realm's keytab — and handed to the real JGSS acceptor with a fresh authenticator.
 */
class TicketTimesTest {

    @Test
    void anExpiredTicketIsRefusedAsExpired() throws Exception {
        long now = System.currentTimeMillis();
        SpnegoOutcome outcome = acceptor().accept(token(now - 3 * 3_600_000L, now - 3_600_000L));
        assertThat(outcome).isInstanceOf(SpnegoOutcome.Rejected.class);
        assertThat(((SpnegoOutcome.Rejected) outcome).reason()).isEqualTo(RejectionReason.TICKET_EXPIRED);
    }

    @Test
    void aTicketThatIsNotYetValidIsRefusedAsSuch() throws Exception {
        long now = System.currentTimeMillis();
        SpnegoOutcome outcome = acceptor().accept(token(now + 3_600_000L, now + 3 * 3_600_000L));
        assertThat(outcome).isInstanceOf(SpnegoOutcome.Rejected.class);
        assertThat(((SpnegoOutcome.Rejected) outcome).reason()).isEqualTo(RejectionReason.TICKET_NOT_YET_VALID);
    }

    private static SpnegoAcceptor acceptor() throws Exception {
        MitKdc kdc = MitKdc.shared();
        return new SpnegoAcceptor(new ServiceKeytab(Optional.of(kdc.serviceKeytab()),
                Optional.of(kdc.servicePrincipal()), Duration.ofSeconds(10), Duration.ZERO, Clock.systemUTC()));
    }

    /** A raw Kerberos GSS initial token (RFC 4121 framing) around an AP-REQ for HTTP/localhost. */
    static byte[] token(long startMillis, long endMillis) throws Exception {
        MitKdc kdc = MitKdc.shared();
        Keytab keytab = Keytab.loadKeytab(kdc.serviceKeytab().toFile());
        PrincipalName service = new PrincipalName(MitKdc.SERVICE, NameType.NT_SRV_HST);
        service.setRealm(MitKdc.REALM);
        KeytabEntry entry = keytab.getKeytabEntries(keytab.getPrincipals().get(0)).stream()
                .filter(e -> e.getKey().getKeyType().getValue() == 18).findFirst().orElseThrow();
        EncryptionKey serviceKey = entry.getKey();
        EncryptionKey session = EncryptionHandler.random2Key(serviceKey.getKeyType());
        PrincipalName client = new PrincipalName("alice", NameType.NT_PRINCIPAL);

        EncTicketPart part = new EncTicketPart();
        part.setFlags(new TicketFlags());
        part.setKey(session);
        part.setCrealm(MitKdc.REALM);
        part.setCname(client);
        TransitedEncoding transited = new TransitedEncoding();
        transited.setTrType(TransitedEncodingType.DOMAIN_X500_COMPRESS);
        transited.setContents(new byte[0]);
        part.setTransited(transited);
        part.setAuthTime(new KerberosTime(startMillis));
        part.setStartTime(new KerberosTime(startMillis));
        part.setEndTime(new KerberosTime(endMillis));

        Ticket ticket = new Ticket();
        ticket.setTktKvno(5);
        ticket.setRealm(MitKdc.REALM);
        ticket.setSname(service);
        EncryptedData sealed = EncryptionHandler.encrypt(part.encode(), serviceKey, KeyUsage.KDC_REP_TICKET);
        sealed.setKvno(entry.getKvno());
        ticket.setEncryptedEncPart(sealed);

        Authenticator authenticator = new Authenticator();
        authenticator.setAuthenticatorVno(5);
        authenticator.setCrealm(MitKdc.REALM);
        authenticator.setCname(client);
        authenticator.setCtime(new KerberosTime(System.currentTimeMillis()));
        authenticator.setCusec((int) (System.nanoTime() / 1000 % 1_000_000));

        ApReq apReq = new ApReq();
        apReq.setApOptions(new ApOptions());
        apReq.setTicket(ticket);
        apReq.setEncryptedAuthenticator(EncryptionHandler.encrypt(authenticator.encode(), session,
                KeyUsage.AP_REQ_AUTH));

        byte[] body = apReq.encode();
        byte[] oid = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.write(oid);
        inner.write(new byte[] {0x01, 0x00});
        inner.write(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x60);
        int length = inner.size();
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        inner.writeTo(out);
        return out.toByteArray();
    }
}
