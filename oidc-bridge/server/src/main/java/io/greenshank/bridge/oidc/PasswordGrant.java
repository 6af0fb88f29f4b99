package io.greenshank.bridge.oidc;

import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.login.PasswordLogin;
import jakarta.enterprise.context.ApplicationScoped;

/** RFC 6749 §4.3 resource owner password credentials, for CLI clients that are allowed it. */
@ApplicationScoped
public class PasswordGrant implements TokenGrant {

    private final PasswordLogin login;

    public PasswordGrant(PasswordLogin login) {
        this.login = login;
    }

    @Override
    public String grantType() {
        return "password";
    }

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        String username = request.requireParam("username");
        String password = request.params().getOrDefault("password", "");
        try {
            return GrantResult.of(login.login(username, password, request.clientAddress()),
                    Scopes.parse(request.param("scope")));
        } catch (PasswordLogin.Refused e) {
            if (e.retryAfter().isPresent()) {
                throw OAuthException.slowDown(e.retryAfter().get().toSeconds() + 1);
            }
            throw OAuthException.invalidGrant("invalid username or password");
        } catch (DirectoryUnavailableException e) {
            throw OAuthException.directory(e);
        }
    }
}
