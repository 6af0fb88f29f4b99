package io.greenshank.bridge.kerberos;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the SPNEGO / Kerberos GSS token a client sends in {@code Authorization: Negotiate} (or as an RFC 8693
 * subject token), as far as the bridge reads it itself: {@link TicketHeader#parse}, which runs on every refused
 * token to name the service principal and key version the client asked for. The JDK's GSS acceptor is exercised by
 * the real-KDC suites. Properties: any bytes give a header or empty, never an exception (the DER reader is bounded
 * by the token); a header names a principal; the base64 form of the same bytes parses identically.
 */
class NegotiateTokenFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] token) {
        Optional<TicketHeader> header = TicketHeader.parse(token);
        header.ifPresent(h -> assertThat(h.servicePrincipal()).isNotNull());
        byte[] viaHeader = Base64.getDecoder().decode(Base64.getEncoder().encodeToString(token));
        assertThat(TicketHeader.parse(viaHeader)).isEqualTo(header);
    }
}
