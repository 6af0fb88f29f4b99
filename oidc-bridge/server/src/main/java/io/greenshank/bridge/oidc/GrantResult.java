package io.greenshank.bridge.oidc;

import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.RefreshTokens;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a successful grant established.
 *
 * @param user            who, and how they authenticated (the {@code amr})
 * @param scopes          the granted scopes ({@code openid} adds an ID token)
 * @param audiences       the access token's audiences; empty means the client's configured ones
 * @param nonce           the {@code nonce} to echo in the ID token (code flow only)
 * @param refreshed       the checked, not yet spent refresh token whose family continues (refresh grant only); the
 *                        minter spends it as it issues the successor. Empty starts a new family
 * @param responseHeaders extra response headers, e.g. {@code WWW-Authenticate: Negotiate <mutual-auth token>}
 * @param login           the user authenticated in this grant (password, code, Kerberos) or the result continues such
 *                        a login (refresh): only then may a refresh token be issued. Exchanging one of our own tokens
 *                        for another audience is not a login, and its result must not outlive the subject token.
 * @param grant           the {@link CodeGrants grant id} of the authorization code redeemed (code flow only): the new
 *                        refresh-token family takes it as its id, and the tokens carry it, so a reuse of the code
 *                        revokes them
 */
public record GrantResult(AuthenticatedUser user, Set<String> scopes, List<String> audiences, Optional<String> nonce,
                          Optional<RefreshTokens.Redemption> refreshed, Map<String, String> responseHeaders,
                          boolean login, Optional<String> grant) {

    /** A result of any grant but the authorization code's. */
    public GrantResult(AuthenticatedUser user, Set<String> scopes, List<String> audiences, Optional<String> nonce,
                       Optional<RefreshTokens.Redemption> refreshed, Map<String, String> responseHeaders,
                       boolean login) {
        this(user, scopes, audiences, nonce, refreshed, responseHeaders, login, Optional.empty());
    }

    public GrantResult {
        Objects.requireNonNull(user, "user");
        scopes = Set.copyOf(scopes);
        audiences = List.copyOf(audiences);
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(refreshed, "refreshed");
        responseHeaders = Map.copyOf(responseHeaders);
        Objects.requireNonNull(grant, "grant");
    }

    /** The common case, a fresh login: a user, the requested scopes, the client's audiences. */
    public static GrantResult of(AuthenticatedUser user, Set<String> scopes) {
        return new GrantResult(user, scopes, List.of(), Optional.empty(), Optional.empty(), Map.of(), true);
    }

    public GrantResult withResponseHeaders(Map<String, String> headers) {
        return new GrantResult(user, scopes, audiences, nonce, refreshed, headers, login, grant);
    }

    public GrantResult withAudiences(List<String> newAudiences) {
        return new GrantResult(user, scopes, newAudiences, nonce, refreshed, responseHeaders, login, grant);
    }
}
