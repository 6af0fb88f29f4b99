package io.greenshank.bridge.oidc;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.RefreshTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * RFC 6749 §6 with rotation: the presented token is spent, its successor continues the family, and a spent token
 * presented again revokes the family. The user is re-read from the directory so a disabled account, or changed
 * groups, take effect at the next refresh.
 */
@ApplicationScoped
public class RefreshTokenGrant implements TokenGrant {

    private static final Logger LOG = Logger.getLogger(RefreshTokenGrant.class);

    private final RefreshTokens tokens;
    private final Directory directory;

    public RefreshTokenGrant(RefreshTokens tokens, Directory directory) {
        this.tokens = tokens;
        this.directory = directory;
    }

    @Override
    public String grantType() {
        return "refresh_token";
    }

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        String token = request.requireParam("refresh_token");
        RefreshTokens.Redemption redeemed;
        try {
            redeemed = tokens.redeem(token, request.client().id());
        } catch (RefreshTokens.RefusedException e) {
            throw refused(e, request.client().id());
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
        RefreshTokens.Session s = redeemed.session();
        Set<String> scopes = s.scopes();
        if (request.param("scope").isPresent()) {
            Set<String> asked = Scopes.parse(request.param("scope"));
            if (!s.scopes().containsAll(asked)) {
                throw OAuthException.invalidScope("a refresh cannot widen the scopes");
            }
            scopes = asked;
        }
        DirectoryUser current;
        try {
            Optional<DirectoryUser> found = directory.findUser(s.user().user().username());
            if (found.isEmpty() || !found.get().subject().equals(s.user().user().subject())
                    || found.get().status() != AccountStatus.ACTIVE) {
                revoke(s.family());
                throw OAuthException.invalidGrant("the account is no longer active");
            }
            current = found.get();
        } catch (DirectoryUnavailableException e) {
            throw OAuthException.directory(e);
        }
        AuthenticatedUser user = new AuthenticatedUser(current, s.user().methods(), s.user().authTime());
        // The token is spent only when the minter issues its successor: a failure before then leaves it usable.
        return new GrantResult(user, scopes, s.audiences(), Optional.empty(), Optional.of(redeemed), Map.of(), true);
    }

    /** The one answer to every refused refresh token, so a client learns nothing about why. */
    public static OAuthException refused(RefreshTokens.RefusedException e, String clientId) {
        if (e.refusal() == RefreshTokens.Refusal.REUSED) {
            LOG.warnf("refresh token reused for client %s: family revoked", clientId);
        }
        return OAuthException.invalidGrant("refresh token is invalid, expired, revoked or already used");
    }

    private void revoke(String family) {
        try {
            tokens.revokeFamily(family);
        } catch (SessionStoreUnavailableException e) {
            // Still refused: every later refresh of this family re-reads the directory and is refused again.
            LOG.warnf("could not revoke the family of an inactive account: %s", e.getMessage());
        }
    }
}
