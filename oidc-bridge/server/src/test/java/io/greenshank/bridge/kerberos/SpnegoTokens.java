package io.greenshank.bridge.kerberos;

import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * Many SPNEGO tokens from one login to an MIT ticket cache: the JDK asks the KDC for the service ticket once and reuses
 * it, so every token carries the same ticket (and key version) and each is a distinct authenticator.
 */
final class SpnegoTokens {

    static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
    static final Oid KERBEROS_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");

    private SpnegoTokens() {
    }

    /**
     * @param service  the acceptor's name, e.g. {@code HTTP@localhost} ({@link GSSName#NT_HOSTBASED_SERVICE}) or
     *                 {@code HTTP/localhost@REALM} ({@link #KERBEROS_PRINCIPAL_NAME})
     * @param mutual   whether the tokens ask the acceptor to prove itself, as browsers and the plugin do
     */
    static List<byte[]> fromTicketCache(Path ccache, String service, Oid nameType, boolean mutual, int n)
            throws Exception {
        Configuration config = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("useTicketCache", "true", "ticketCache", ccache.toString(), "doNotPrompt", "true"))};
            }
        };
        LoginContext login = new LoginContext("greenshank-test", new Subject(), null, config);
        login.login();
        return Subject.doAs(login.getSubject(), (PrivilegedExceptionAction<List<byte[]>>) () -> {
            GSSManager manager = GSSManager.getInstance();
            GSSName server = manager.createName(service, nameType);
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                GSSContext ctx = manager.createContext(server, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                ctx.requestMutualAuth(mutual);
                out.add(ctx.initSecContext(new byte[0], 0, 0));
                ctx.dispose();
            }
            return out;
        });
    }

    private static Oid oid(String dotted) {
        try {
            return new Oid(dotted);
        } catch (org.ietf.jgss.GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
