package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.ietf.jgss.GSSException;
import org.junit.jupiter.api.Test;

/** The messages a failed {@code initSecContext} turns into; the real KDC outage is KdcOutageUnderLoadTest. */
class SpnegoInitiatorTest {

    /** As the JDK's Krb5Context reports a failed TGS exchange: a GSSException caused by the socket error. */
    private static GSSException gssCausedBy(Exception socketError) {
        GSSException e = new GSSException(GSSException.NO_CRED, -1, socketError.getMessage());
        e.initCause(new java.io.IOException("wrapped", socketError));
        return e;
    }

    @Test
    void aRefusedKdcIsNamedAsUnreachableNotAsABadTicket() {
        String message = SpnegoInitiator.failureMessage(gssCausedBy(new ConnectException("Connection refused")),
                "HTTP@bridge.example.com");
        assertThat(message).isEqualTo("cannot reach the Kerberos KDC for a ticket to HTTP@bridge.example.com "
                + "(Connection refused): check the network or VPN to the KDC and the realm's kdc in krb5.conf; "
                + "a cached token keeps working until it expires");
        assertThat(message).doesNotContain("run kinit");
    }

    @Test
    void aSilentKdcIsNamedAsATimeoutWithTheSettingsThatBoundIt() {
        String message = SpnegoInitiator.failureMessage(gssCausedBy(new SocketTimeoutException("Read timed out")),
                "HTTP/bridge.example.com@EXAMPLE.COM");
        assertThat(message).startsWith("the Kerberos KDC did not answer a request for a ticket to "
                + "HTTP/bridge.example.com@EXAMPLE.COM (Read timed out, after krb5.conf's kdc_timeout x max_retries)");
    }

    @Test
    void otherGssFailuresKeepTheLibrarysReason() {
        GSSException e = new GSSException(GSSException.NO_CRED, -1, "Server not found in Kerberos database (7)");
        assertThat(SpnegoInitiator.failureMessage(e, "HTTP@x")).startsWith("Kerberos failed: No valid credentials")
                .contains("Server not found in Kerberos database");
    }

    @Test
    void aCauseCycleEndsTheSearch() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(SpnegoInitiator.failureMessage(a, "HTTP@x")).startsWith("Kerberos failed: ");
    }
}
