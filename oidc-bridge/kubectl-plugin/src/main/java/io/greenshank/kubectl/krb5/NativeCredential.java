package io.greenshank.kubectl.krb5;

import java.io.IOException;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * The user's default Kerberos credential as the system GSS-API ({@code libgssapi_krb5}, through the JDK's native
 * bridge) sees it. The JDK reads only {@code FILE:} caches itself; MIT's library reads every kind it was built with
 * ({@code KCM:}, {@code KEYRING:}, …), and resolves the default cache from the same {@code KRB5CCNAME} and
 * {@code KRB5_CONFIG} as {@link CacheName}, so it finds the same cache.
 *
 * @param principal        the cache's default principal, e.g. {@code alice@EXAMPLE.TEST}
 * @param remainingSeconds how long its ticket-granting ticket has left (0 when expired)
 */
public record NativeCredential(String principal, long remainingSeconds) {
    private static final Oid KRB5 = oid("1.2.840.113554.1.2.2");

    /**
     * Switches this JVM's JGSS to the system library. It must run before anything first uses {@link GSSManager}: the
     * JDK reads {@code sun.security.jgss.native} once ({@code GSSManagerImpl}'s static initializer), which is why the
     * plugin sets it here, only for caches the JDK cannot read, instead of in the launcher for every run.
     */
    public static void useSystemGssApi() {
        System.setProperty("sun.security.jgss.native", "true");
    }

    /**
     * The default credential of {@code cache}. When the library finds none, the exception carries its reason, which
     * says more than "no ticket" can: "No KCM server found", or the cache it looked in.
     */
    public static NativeCredential acquire(CacheName cache) throws IOException {
        useSystemGssApi();
        GSSManager manager = GSSManager.getInstance();
        Oid[] mechs = manager.getMechs();
        if (mechs == null || mechs.length == 0) {
            throw new IOException("the JDK cannot read " + cache.type() + ": caches itself and the system GSS-API "
                    + "library could not be loaded (libgssapi_krb5.so.2: install libgssapi-krb5-2 on Debian/Ubuntu, "
                    + "krb5-libs on RHEL/Fedora, or point -Dsun.security.jgss.lib at it in GREENSHANK_JAVA_OPTS)");
        }
        try {
            GSSCredential credential = manager.createCredential(null, GSSCredential.DEFAULT_LIFETIME, KRB5,
                    GSSCredential.INITIATE_ONLY);
            try {
                return new NativeCredential(credential.getName().toString(),
                        Math.max(0, credential.getRemainingLifetime()));
            } finally {
                credential.dispose();
            }
        } catch (GSSException e) {
            throw new IOException("the system GSS-API found no usable ticket: " + e.getMajorString()
                    + (e.getMinorString() != null ? " (" + e.getMinorString() + ")" : ""), e);
        }
    }

    private static Oid oid(String dotted) {
        try {
            return new Oid(dotted);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
