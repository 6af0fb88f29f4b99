package io.greenshank.bridge.kerberos;

import io.greenshank.bridge.login.BrowserAuthenticator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * SPNEGO for browsers at the authorization endpoint: no Negotiate header → the login form with
 * {@code 401 WWW-Authenticate: Negotiate}, so a browser with a ticket retries and any other shows the form; a
 * valid token → logged in at once; a refused one → the form (the reason is logged).
 */
@ApplicationScoped
public class SpnegoBrowserAuthenticator implements BrowserAuthenticator {
    @Inject
    KerberosAuthenticator authenticator;
    @Inject
    KerberosConfig config;

    @Override
    public Outcome attempt(Map<String, List<String>> headers, String clientAddress) {
        if (!config.browser() || !authenticator.configured()) {
            return new NotApplicable();
        }
        String negotiate = headers.getOrDefault("authorization", List.of()).stream()
                .filter(h -> h.regionMatches(true, 0, "Negotiate ", 0, 10))
                .map(h -> h.substring(10).trim())
                .findFirst().orElse(null);
        if (negotiate == null || negotiate.isEmpty()) {
            return new Challenge(Map.of("WWW-Authenticate", "Negotiate"));
        }
        KerberosAuthenticator.Result result = authenticator.authenticate(negotiate, clientAddress);
        if (result instanceof KerberosAuthenticator.Success success) {
            return new Authenticated(success.user(), success.mutualToken()
                    .map(t -> Map.of("WWW-Authenticate", "Negotiate " + t)).orElse(Map.of()));
        }
        return new NotApplicable();
    }
}
