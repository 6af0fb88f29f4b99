package io.greenshank.bridge.oidc;

import java.util.Optional;

/**
 * One way to obtain tokens at the token endpoint. Implementations are CDI beans ({@code @ApplicationScoped});
 * the endpoint discovers every bean of this type, so a new grant needs no change to the endpoint.
 *
 * <p>Before {@link #grant} is called the endpoint has already authenticated the client (secret, or public
 * client by {@code client_id}) and checked that the client may use {@link #grantType()}. The grant verifies
 * the user's credential and returns who they are; the endpoint mints and returns the tokens.
 */
public interface TokenGrant {

    /** The {@code grant_type} this grant handles, e.g. {@code password}. */
    String grantType();

    /**
     * For {@code urn:ietf:params:oauth:grant-type:token-exchange}: the {@code subject_token_type} handled.
     * Empty for every other grant type. Exactly one grant may claim a (grant type, subject token type) pair.
     */
    default Optional<String> subjectTokenType() {
        return Optional.empty();
    }

    /**
     * @throws OAuthException an RFC 6749 §5.2 error (e.g. {@code invalid_grant}), optionally with a status and
     *                        response headers (e.g. 401 with {@code WWW-Authenticate: Negotiate})
     */
    GrantResult grant(TokenRequest request) throws OAuthException;

    /**
     * The decision when it can be made without I/O or waiting (the grant's state is in this process, or in a
     * watch-fed copy of it), so the endpoint may call this on the event loop and hop to a worker only to mint: the
     * result, or the refusal thrown. Empty, the default, runs {@link #grant} on a worker.
     */
    default Optional<GrantResult> decideInProcess(TokenRequest request) throws OAuthException {
        return Optional.empty();
    }
}
