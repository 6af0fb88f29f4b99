package io.greenshank.bridge.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.TokenVerifier;
import io.greenshank.identity.AuthMethod;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8693 token exchange of one of this bridge's own tokens for an access token with another audience.
 * One bean per accepted subject token type, so a Kerberos subject-token type can sit next to them.
 */
public abstract class TokenExchangeGrant implements TokenGrant {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final TokenVerifier verifier;
    private final Directory directory;
    private final CodeGrants codeGrants;

    protected TokenExchangeGrant(TokenVerifier verifier, Directory directory, CodeGrants codeGrants) {
        this.verifier = verifier;
        this.directory = directory;
        this.codeGrants = codeGrants;
    }

    @Override
    public String grantType() {
        return GRANT_TYPE;
    }

    protected abstract boolean accessToken();

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        String subjectToken = request.requireParam("subject_token");
        String audience = request.requireParam("audience");
        if (!request.client().audiences().contains(audience)) {
            throw new OAuthException("invalid_target", "this client may not obtain tokens for that audience", 400);
        }
        JWTClaimsSet claims = verifier.verify(subjectToken, request.issuer(), accessToken(), false)
                .orElseThrow(() -> OAuthException.invalidGrant("subject_token is invalid or expired"));
        try {
            if (codeGrants.isRevoked(claims)) {
                throw OAuthException.invalidGrant("subject_token is invalid or expired");
            }
        } catch (io.greenshank.bridge.session.SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
        try {
            String username = claims.getStringClaim("preferred_username");
            Optional<DirectoryUser> u = username == null ? Optional.empty() : directory.findUser(username);
            if (u.isEmpty() || !u.get().subject().equals(claims.getSubject())
                    || u.get().status() != AccountStatus.ACTIVE) {
                throw OAuthException.invalidGrant("the subject is no longer active");
            }
            List<AuthMethod> methods = new ArrayList<>();
            List<String> amr = claims.getStringListClaim("amr");
            for (AuthMethod m : AuthMethod.values()) {
                if (amr != null && amr.contains(m.amr())) {
                    methods.add(m);
                }
            }
            if (methods.isEmpty()) {
                throw OAuthException.invalidGrant("subject_token has no amr");
            }
            Object authTime = claims.getClaim("auth_time");
            Instant at = authTime instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : Instant.now();
            return new GrantResult(new AuthenticatedUser(u.get(), methods, at),
                    Set.copyOf(Scopes.parse(request.param("scope").or(() -> Optional.of("")))),
                    List.of(audience), Optional.empty(), Optional.empty(),
                    Map.of(), false);
        } catch (ParseException e) {
            throw OAuthException.invalidGrant("subject_token has malformed claims");
        } catch (DirectoryUnavailableException e) {
            throw OAuthException.directory(e);
        }
    }

    /** Exchanges an ID token. */
    @jakarta.inject.Singleton
    public static class FromIdToken extends TokenExchangeGrant {
        public FromIdToken(TokenVerifier verifier, Directory directory, CodeGrants codeGrants) {
            super(verifier, directory, codeGrants);
        }

        @Override
        public Optional<String> subjectTokenType() {
            return Optional.of(ID_TOKEN_TYPE);
        }

        @Override
        protected boolean accessToken() {
            return false;
        }
    }

    /** Exchanges an access token. */
    @jakarta.inject.Singleton
    public static class FromAccessToken extends TokenExchangeGrant {
        public FromAccessToken(TokenVerifier verifier, Directory directory, CodeGrants codeGrants) {
            super(verifier, directory, codeGrants);
        }

        @Override
        public Optional<String> subjectTokenType() {
            return Optional.of(ACCESS_TOKEN_TYPE);
        }

        @Override
        protected boolean accessToken() {
            return true;
        }
    }
}
