package io.greenshank.bridge.oidc;

import io.greenshank.bridge.session.SessionStoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jakarta.enterprise.context.ApplicationScoped;

/** RFC 6749 §4.1.3 with RFC 7636 PKCE (S256 only). */
@ApplicationScoped
public class AuthorizationCodeGrant implements TokenGrant {

    private final AuthorizationCodes codes;

    public AuthorizationCodeGrant(AuthorizationCodes codes) {
        this.codes = codes;
    }

    @Override
    public String grantType() {
        return "authorization_code";
    }

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        String code = request.requireParam("code");
        AuthorizationCodes.Code c;
        try {
            c = codes.redeem(code, request.client().id())
                    .orElseThrow(() -> OAuthException.invalidGrant("unknown, used or expired code"));
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
        if (!c.clientId().equals(request.client().id())) {
            throw OAuthException.invalidGrant("code was issued to another client");
        }
        if (!c.redirectUri().equals(request.params().get("redirect_uri"))) {
            throw OAuthException.invalidGrant("redirect_uri does not match the authorization request");
        }
        if (c.codeChallenge().isPresent()) {
            String verifier = request.requireParam("code_verifier");
            if (verifier.length() < 43 || verifier.length() > 128
                    || !MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII),
                    c.codeChallenge().get().getBytes(StandardCharsets.US_ASCII))) {
                throw OAuthException.invalidGrant("code_verifier does not match the code_challenge");
            }
        } else if (request.param("code_verifier").isPresent()) {
            throw OAuthException.invalidGrant("code_verifier sent but no code_challenge was");
        }
        return new GrantResult(c.user(), c.scopes(), List.of(), c.nonce(), Optional.empty(), Map.of(), true,
                Optional.of(CodeGrants.idOf(code)));
    }

    static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
