package io.greenshank.bridge.kerberos;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;

/**
 * Verifies SPNEGO (or raw Kerberos GSS) tokens with JGSS and the service keytab. The JDK checks the ticket, the
 * authenticator's time against the configured clock skew, and its replay cache; this class turns each refusal into a
 * {@link RejectionReason} an operator can act on.
 */
public final class SpnegoAcceptor {
    private static final byte[] NTLMSSP = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    private static final Pattern KRB_ERROR_CODE = Pattern.compile("\\((\\d{1,3})\\)");

    private final ServiceKeytab keytab;

    public SpnegoAcceptor(ServiceKeytab keytab) {
        this.keytab = keytab;
    }

    public SpnegoOutcome accept(byte[] token) {
        if (token.length == 0) {
            return new SpnegoOutcome.Rejected(RejectionReason.MALFORMED_TOKEN, "empty token");
        }
        if (startsWith(token, NTLMSSP)) {
            return new SpnegoOutcome.Rejected(RejectionReason.NTLM, "raw NTLMSSP token");
        }
        Optional<ServiceKeytab.Loaded> credential = keytab.current();
        if (credential.isEmpty()) {
            return new SpnegoOutcome.Rejected(RejectionReason.NO_KEYTAB, keytab.unavailableReason());
        }
        GSSContext context = null;
        try {
            context = GSSManager.getInstance().createContext(credential.get().credential());
            byte[] reply = context.acceptSecContext(token, 0, token.length);
            if (!context.isEstablished()) {
                return new SpnegoOutcome.Rejected(RejectionReason.INCOMPLETE,
                        "context not established after one token (mechanism " + context.getMech() + ")");
            }
            String client = context.getSrcName().toString();
            return new SpnegoOutcome.Accepted(client,
                    reply == null || reply.length == 0 ? Optional.empty() : Optional.of(reply));
        } catch (GSSException e) {
            return classify(e, credential.get(), TicketHeader.parse(token));
        } catch (RuntimeException e) {
            // JGSS throws unchecked exceptions on some malformed DER; never let them become a 500.
            return new SpnegoOutcome.Rejected(RejectionReason.MALFORMED_TOKEN, e.toString());
        } finally {
            if (context != null) {
                try {
                    context.dispose();
                } catch (GSSException ignored) {
                    // nothing held that outlives the context
                }
            }
        }
    }

    private static SpnegoOutcome.Rejected classify(GSSException e, ServiceKeytab.Loaded credential,
                                                   Optional<TicketHeader> ticket) {
        StringBuilder detail = new StringBuilder(e.getMajorString());
        Integer code = null;
        String text = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t instanceof GSSException g ? g.getMinorString() : t.getMessage();
            if (message == null) {
                continue;
            }
            detail.append(": ").append(message);
            text = text + " " + message;
            Matcher m = KRB_ERROR_CODE.matcher(message);
            if (code == null && m.find()) {
                code = Integer.parseInt(m.group(1));
            }
        }
        RejectionReason reason;
        if (text.contains("Cannot find key") || text.contains("key is not available")) {
            reason = RejectionReason.WRONG_SERVICE;
        } else if (text.contains("NTLM")) {
            reason = RejectionReason.NTLM;
        } else if (code != null) {
            reason = switch (code) {
                case 31, 41 -> RejectionReason.BAD_KEY;
                case 32 -> RejectionReason.TICKET_EXPIRED;
                case 33 -> RejectionReason.TICKET_NOT_YET_VALID;
                case 34 -> RejectionReason.REPLAY;
                case 37 -> RejectionReason.CLOCK_SKEW;
                case 35, 36, 40, 44, 45 -> RejectionReason.WRONG_SERVICE;
                default -> text.contains("Checksum failed") ? RejectionReason.BAD_KEY : RejectionReason.OTHER;
            };
        } else if (text.contains("Checksum failed") || text.contains("Integrity check")) {
            reason = RejectionReason.BAD_KEY;
        } else if (e.getMajor() == GSSException.DEFECTIVE_TOKEN || e.getMajor() == GSSException.BAD_MECH) {
            reason = RejectionReason.MALFORMED_TOKEN;
        } else {
            reason = RejectionReason.OTHER;
        }
        if (reason == RejectionReason.WRONG_SERVICE || reason == RejectionReason.BAD_KEY) {
            // The JDK reports a ticket for another principal with the same kvno as a bad checksum: look at what
            // the ticket says it is for before blaming the keys.
            if (ticket.isPresent()) {
                TicketHeader t = ticket.get();
                boolean principalKnown = credential.keys().stream()
                        .anyMatch(k -> k.principal().equals(t.servicePrincipal()));
                boolean kvnoKnown = credential.keys().stream().anyMatch(k -> k.principal().equals(t.servicePrincipal())
                        && t.kvno().map(v -> v == k.kvno()).orElse(true) && k.enctype() == t.enctype());
                if (!principalKnown || !kvnoKnown) {
                    reason = RejectionReason.WRONG_SERVICE;
                }
                detail.append(" [ticket for ").append(t.servicePrincipal()).append(" kvno ")
                        .append(t.kvno().map(String::valueOf).orElse("?")).append(" enctype ").append(t.enctype())
                        .append(']');
            }
            detail.append(" [keytab holds: ").append(credential.describe()).append(']');
        }
        return new SpnegoOutcome.Rejected(reason, detail.toString());
    }

    private static boolean startsWith(byte[] token, byte[] prefix) {
        if (token.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (token[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
