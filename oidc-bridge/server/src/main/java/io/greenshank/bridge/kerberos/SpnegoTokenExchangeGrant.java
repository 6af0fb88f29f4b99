package io.greenshank.bridge.kerberos;

import io.greenshank.bridge.oidc.GrantResult;
import io.greenshank.bridge.oidc.OAuthException;
import io.greenshank.bridge.oidc.TokenGrant;
import io.greenshank.bridge.oidc.TokenRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8693 token exchange with a Kerberos subject token: {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange},
 * {@code subject_token_type=urn:greenshank:params:oauth:token-type:spnego}, and the base64 SPNEGO token either as
 * {@code subject_token} or in {@code Authorization: Negotiate} (so {@code curl --negotiate -u :} works: without
 * either, the answer is 401 with {@code WWW-Authenticate: Negotiate}). The 200 answer carries the mutual
 * authentication token in {@code WWW-Authenticate: Negotiate <token>}.
 */
@ApplicationScoped
public class SpnegoTokenExchangeGrant implements TokenGrant {
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String SPNEGO_TOKEN_TYPE = "urn:greenshank:params:oauth:token-type:spnego";
    /** The provider's scopes (as the password grant accepts them); others are dropped, not echoed. */
    private static final Set<String> SUPPORTED_SCOPES = Set.of("openid", "profile", "email", "groups",
            "offline_access");
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Negotiate");

    @Inject
    KerberosAuthenticator authenticator;

    @Override
    public String grantType() {
        return TOKEN_EXCHANGE;
    }

    @Override
    public Optional<String> subjectTokenType() {
        return Optional.of(SPNEGO_TOKEN_TYPE);
    }

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        Optional<String> token = request.param("subject_token").or(() -> negotiateToken(request));
        if (token.isEmpty()) {
            throw new OAuthException("invalid_grant",
                    "a Kerberos token is required: send subject_token or Authorization: Negotiate", 401, CHALLENGE);
        }
        KerberosAuthenticator.Result result = authenticator.authenticate(token.get(), request.clientAddress());
        if (result instanceof KerberosAuthenticator.Success success) {
            // A Kerberos exchange is a login (the ticket proves the user), so GrantResult.of: refreshable like a
            // password login, and a refresh re-reads the directory and keeps amr kerberos.
            GrantResult granted = GrantResult.of(success.user(), scopes(request));
            return success.mutualToken()
                    .map(t -> granted.withResponseHeaders(Map.of("WWW-Authenticate", "Negotiate " + t)))
                    .orElse(granted);
        }
        if (result instanceof KerberosAuthenticator.Unavailable) {
            throw OAuthException.temporarilyUnavailable("the directory is unavailable; retry later");
        }
        RejectionReason reason = ((KerberosAuthenticator.Failure) result).reason();
        throw new OAuthException("invalid_grant", reason.clientMessage(), 401, CHALLENGE);
    }

    private static Optional<String> negotiateToken(TokenRequest request) {
        return request.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Negotiate ", 0, 10))
                .map(h -> h.substring(10).trim())
                .filter(t -> !t.isEmpty());
    }

    private static Set<String> scopes(TokenRequest request) {
        Set<String> scopes = new LinkedHashSet<>();
        request.param("scope").ifPresent(s -> Arrays.stream(s.trim().split("\\s+"))
                .filter(SUPPORTED_SCOPES::contains).forEach(scopes::add));
        if (scopes.isEmpty()) {
            // A Kerberos exchange is a login: without a scope, the caller wants an ID token.
            scopes.add("openid");
        }
        return scopes;
    }
}
