package io.greenshank.bridge.kerberos;

/**
 * Why a SPNEGO attempt was refused. {@link #operatorHint()} goes to the log for whoever runs the bridge;
 * {@link #clientMessage()} is what the client sees, and never says whether a user exists.
 */
public enum RejectionReason {
    NO_KEYTAB("no_keytab", "Kerberos is not available",
            "no usable service keytab: set greenshank.kerberos.keytab to a readable keytab holding HTTP/<bridge host>"),
    MALFORMED_TOKEN("malformed_token", "malformed Negotiate token",
            "the client sent a token that is not valid base64 SPNEGO/Kerberos"),
    NTLM("ntlm", "NTLM is not supported: get a Kerberos ticket (kinit)",
            "the client offered NTLM inside Negotiate: it has no Kerberos ticket for the bridge's service principal"
                    + " (check the SPN it asks for, HTTP/<host as the client typed it>, exists in the KDC)"),
    WRONG_SERVICE("wrong_service", "the ticket is not for this service",
            "the ticket is for a principal, key version or encryption type this keytab has no key for: compare"
                    + " `klist -kte <keytab>` with the SPN clients request (HTTP/<host>) and the KDC's current kvno"),
    BAD_KEY("bad_key", "the ticket could not be decrypted",
            "the ticket does not decrypt with the keytab's key: the keytab is stale (the service password or kvno"
                    + " changed in the KDC); export a fresh keytab"),
    CLOCK_SKEW("clock_skew", "clock skew too great: check the client's clock",
            "the client's clock differs from the bridge's by more than greenshank.kerberos.clock-skew: fix NTP on"
                    + " the client or the bridge"),
    REPLAY("replay", "replayed authenticator",
            "an authenticator was presented twice: a replay attack, or a client resending the same Negotiate token"),
    TICKET_EXPIRED("ticket_expired", "the Kerberos ticket has expired: run kinit",
            "the service ticket has expired: the user must renew it (kinit)"),
    TICKET_NOT_YET_VALID("ticket_not_yet_valid", "the Kerberos ticket is not yet valid",
            "the service ticket's start time is in the future: check clocks or postdated tickets"),
    REALM_NOT_ACCEPTED("realm_not_accepted", "Kerberos principal not accepted",
            "the client's realm is not in greenshank.kerberos.accepted-realms"),
    NOT_A_USER("not_a_user", "Kerberos principal not accepted",
            "the client principal has an instance (e.g. alice/admin or a service): only user principals may log in"),
    UNKNOWN_USER("unknown_user", "Kerberos principal not accepted",
            "the principal maps to no active directory entry: check greenshank.kerberos.principal-mapping and the"
                    + " directory's login attributes, or the account is locked or disabled"),
    INCOMPLETE("incomplete", "SPNEGO needs more than one round; use Kerberos",
            "the SPNEGO exchange did not finish in one round (the client proposed a mechanism other than Kerberos)"),
    OTHER("kerberos_error", "Kerberos authentication failed",
            "Kerberos validation failed; the detail in this log line says why");

    private final String code;
    private final String clientMessage;
    private final String operatorHint;

    RejectionReason(String code, String clientMessage, String operatorHint) {
        this.code = code;
        this.clientMessage = clientMessage;
        this.operatorHint = operatorHint;
    }

    /** Short stable name, used as a metrics tag. */
    public String code() {
        return code;
    }

    public String clientMessage() {
        return clientMessage;
    }

    public String operatorHint() {
        return operatorHint;
    }
}
