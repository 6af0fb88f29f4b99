package io.greenshank.kubectl;

import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * The client half of SPNEGO: one security context with the bridge's {@code HTTP/<host>} principal, built from the
 * user's ticket cache. Mutual authentication is requested, so {@link #complete} proves the answer came from the
 * holder of the bridge's keytab.
 */
public final class SpnegoInitiator {
    static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
    private static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");

    private final Subject subject;
    private final GSSContext context;
    /** The service asked for, e.g. {@code HTTP@bridge.example.com}, for messages. */
    private final String target;

    private SpnegoInitiator(Subject subject, GSSContext context, String target) {
        this.subject = subject;
        this.context = context;
        this.target = target;
    }

    /**
     * Points the JDK at the Kerberos configuration MIT tools use. The JDK ignores {@code KRB5_CONFIG}, so it is
     * copied to {@code java.security.krb5.conf} before JGSS first reads its configuration.
     */
    public static void configureKrb5(Map<String, String> env) {
        String configured = env.get("KRB5_CONFIG");
        if (configured != null && !configured.isBlank() && System.getProperty("java.security.krb5.conf") == null) {
            System.setProperty("java.security.krb5.conf", configured.split(":")[0]);
        }
    }

    /**
     * Starts a context for {@code servicePrincipal} ({@code HTTP/host@REALM}) or, when that is null, for the
     * host-based service {@code HTTP@host}, using the tickets in {@code tickets}: through a JAAS login on its file,
     * or, for a cache only the system GSS-API reads, with no Subject at all, so that JGSS asks the library for the
     * default credential (a Subject without credentials would make it refuse, {@code useSubjectCredsOnly}).
     */
    public static SpnegoInitiator start(TicketCache tickets, String host, String servicePrincipal)
            throws KerberosFailure {
        return startAs(tickets.file().isPresent() ? login(tickets.file().get(), tickets.principal()) : null, host,
                servicePrincipal);
    }

    /** As {@link #start(TicketCache, String, String)}, for the tickets of {@code clientPrincipal} in a FILE cache. */
    public static SpnegoInitiator start(Path ccache, String clientPrincipal, String host, String servicePrincipal)
            throws KerberosFailure {
        return startAs(login(ccache, clientPrincipal), host, servicePrincipal);
    }

    private static SpnegoInitiator startAs(Subject subject, String host, String servicePrincipal)
            throws KerberosFailure {
        try {
            GSSContext context = Subject.doAs(subject, (PrivilegedExceptionAction<GSSContext>) () -> {
                GSSManager manager = GSSManager.getInstance();
                GSSName server = servicePrincipal != null
                        ? manager.createName(servicePrincipal, KRB5_PRINCIPAL_NAME)
                        : manager.createName("HTTP@" + host, GSSName.NT_HOSTBASED_SERVICE);
                GSSContext ctx = manager.createContext(server, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                ctx.requestMutualAuth(true);
                ctx.requestCredDeleg(false);
                return ctx;
            });
            return new SpnegoInitiator(subject, context, describe(host, servicePrincipal));
        } catch (PrivilegedActionException e) {
            throw new KerberosFailure("cannot set up Kerberos for " + describe(host, servicePrincipal) + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The first SPNEGO token, to send as {@code Authorization: Negotiate} or as an RFC 8693 subject token. */
    public byte[] initialToken() throws KerberosFailure {
        return step(new byte[0]);
    }

    /** Feeds the bridge's answer ({@code WWW-Authenticate: Negotiate <token>}) and checks mutual authentication. */
    public void complete(byte[] replyToken) throws KerberosFailure {
        if (!context.isEstablished()) {
            step(replyToken);
        }
        if (!context.isEstablished() || !context.getMutualAuthState()) {
            throw new KerberosFailure("the bridge did not prove its identity (no mutual authentication)", null);
        }
    }

    public boolean isEstablished() {
        return context.isEstablished();
    }

    private byte[] step(byte[] input) throws KerberosFailure {
        try {
            return Subject.doAs(subject,
                    (PrivilegedExceptionAction<byte[]>) () -> context.initSecContext(input, 0, input.length));
        } catch (PrivilegedActionException e) {
            throw new KerberosFailure(failureMessage(e.getCause(), target), e.getCause());
        }
    }

    /**
     * What to tell the user when {@code initSecContext} failed. Without a service ticket in the Subject it needs a TGS
     * exchange, so an unreachable KDC surfaces here as a GSS "no valid credentials" whose cause is the socket error;
     * that would read like a bad ticket and send the user to kinit, which fails the same way, so it is named as what
     * it is.
     */
    static String failureMessage(Throwable cause, String target) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return "the Kerberos KDC did not answer a request for a ticket to " + target + " (" + t.getMessage()
                        + ", after krb5.conf's kdc_timeout x max_retries): check the network or VPN to the KDC; "
                        + "a cached token keeps working until it expires";
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.PortUnreachableException || t instanceof java.net.UnknownHostException) {
                return "cannot reach the Kerberos KDC for a ticket to " + target + " (" + t.getMessage()
                        + "): check the network or VPN to the KDC and the realm's kdc in krb5.conf; "
                        + "a cached token keeps working until it expires";
            }
        }
        String reason = cause instanceof GSSException g ? g.getMajorString() + ": " + g.getMessage()
                : String.valueOf(cause);
        return "Kerberos failed: " + reason;
    }

    private static Subject login(Path ccache, String clientPrincipal) throws KerberosFailure {
        Configuration config = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("useTicketCache", "true", "ticketCache", ccache.toString(),
                                "principal", clientPrincipal, "doNotPrompt", "true", "refreshKrb5Config", "false",
                                "isInitiator", "true"))};
            }
        };
        try {
            LoginContext login = new LoginContext("greenshank", new Subject(), null, config);
            login.login();
            return login.getSubject();
        } catch (LoginException e) {
            throw new KerberosFailure("cannot use the Kerberos ticket of " + clientPrincipal + " in " + ccache
                    + " (" + e.getMessage() + "): run kinit", e);
        }
    }

    private static String describe(String host, String servicePrincipal) {
        return servicePrincipal != null ? servicePrincipal : "HTTP@" + host;
    }

    private static Oid oid(String dotted) {
        try {
            return new Oid(dotted);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kerberos could not produce or finish a context; the message says what the user can do. */
    public static final class KerberosFailure extends Exception {
        public KerberosFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
