package io.greenshank.bridge.ldap;

import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import java.io.File;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** Builds the failover server set from {@code greenshank.bridge.ldap.urls}, with TLS as configured. */
final class LdapServers {

    private LdapServers() {
    }

    static LDAPConnectionOptions options(LdapSettings s) {
        LDAPConnectionOptions o = new LDAPConnectionOptions();
        o.setConnectTimeoutMillis((int) s.connectTimeout().toMillis());
        o.setResponseTimeoutMillis(s.responseTimeout().toMillis());
        o.setAbandonOnTimeout(true);
        // The bridge only sends one operation at a time per pooled connection and waits for it, so the thread that
        // sent a request reads its response: no reader thread per connection and no hand-off between threads.
        o.setUseSynchronousMode(true);
        o.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        return o;
    }

    static ServerSet serverSet(LdapSettings s) throws LDAPException, GeneralSecurityException {
        if (s.urls().isEmpty()) {
            throw new IllegalArgumentException("greenshank.bridge.ldap.urls is required");
        }
        LDAPConnectionOptions options = options(s);
        List<ServerSet> sets = new ArrayList<>();
        SSLUtil ssl = null;
        for (String url : s.urls()) {
            LDAPURL u = new LDAPURL(url.trim());
            String scheme = u.getScheme();
            if ("ldaps".equals(scheme)) {
                ssl = ssl == null ? sslUtil(s) : ssl;
                sets.add(new SingleServerSet(u.getHost(), u.getPort(), ssl.createSSLSocketFactory(), options));
            } else if (s.startTls()) {
                ssl = ssl == null ? sslUtil(s) : ssl;
                SSLContext ctx = ssl.createSSLContext();
                sets.add(new SingleServerSet(u.getHost(), u.getPort(), null, options, null,
                        new StartTLSPostConnectProcessor(ctx)));
            } else if (s.allowPlain()) {
                sets.add(new SingleServerSet(u.getHost(), u.getPort(), options));
            } else {
                throw new IllegalArgumentException("refusing plain " + url + ": use ldaps://, set "
                        + "greenshank.bridge.ldap.start-tls=true, or allow-plain=true explicitly");
            }
        }
        return sets.size() == 1 ? sets.get(0) : new FailoverServerSet(sets);
    }

    private static SSLUtil sslUtil(LdapSettings s) throws GeneralSecurityException {
        TrustManager tm = s.caFile().isPresent()
                ? new PEMFileTrustManager(new File(s.caFile().get()))
                : JVMDefaultTrustManager.getInstance();
        return new SSLUtil(tm);
    }
}
