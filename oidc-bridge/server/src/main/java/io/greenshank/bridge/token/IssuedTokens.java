package io.greenshank.bridge.token;

import java.util.Optional;
import java.util.Set;

/** What the token endpoint returns. Never logged. */
public record IssuedTokens(Optional<String> idToken, String accessToken, Optional<String> refreshToken,
                           long expiresInSeconds, Set<String> scopes) {

    @Override
    public String toString() {
        return "IssuedTokens[expiresIn=" + expiresInSeconds + ", id=" + idToken.isPresent() + ", refresh="
                + refreshToken.isPresent() + "]";
    }
}
