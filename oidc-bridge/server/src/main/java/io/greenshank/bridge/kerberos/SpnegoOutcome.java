package io.greenshank.bridge.kerberos;

import java.util.Optional;

/** What accepting one SPNEGO token established. */
public sealed interface SpnegoOutcome {

    /**
     * The token verified.
     *
     * @param clientPrincipal the client, e.g. {@code alice@EXAMPLE.COM}
     * @param mutualToken     the reply token proving our identity to the client (mutual authentication), when the
     *                        client asked for one
     */
    record Accepted(String clientPrincipal, Optional<byte[]> mutualToken) implements SpnegoOutcome {
    }

    /**
     * The token was refused.
     *
     * @param reason why, with an operator hint
     * @param detail the JGSS / Kerberos detail for the log (never contains key material or the token)
     */
    record Rejected(RejectionReason reason, String detail) implements SpnegoOutcome {
    }
}
