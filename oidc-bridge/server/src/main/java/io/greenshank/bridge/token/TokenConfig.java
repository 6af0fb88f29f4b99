package io.greenshank.bridge.token;

import io.greenshank.bridge.oidc.AuthorizationRequests;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/** {@code greenshank.bridge.token.*}: token lifetimes. Short by default; refresh tokens carry sessions. */
@ConfigMapping(prefix = "greenshank.bridge.token")
public interface TokenConfig {

    @WithDefault("PT10M")
    Duration idTokenLifetime();

    @WithDefault("PT10M")
    Duration accessTokenLifetime();

    /** Absolute lifetime of a refresh-token family, counted from the login. */
    @WithDefault("PT12H")
    Duration refreshTokenLifetime();

    @WithDefault("PT1M")
    Duration authorizationCodeLifetime();

    /**
     * The longest a JWT this bridge signs is accepted: how long a retired key stays published. The login form's
     * sealed request counts too (with its clock-skew allowance), so a form shown just before a rotation still works.
     */
    default Duration maxJwtLifetime() {
        return Collections.max(List.of(idTokenLifetime(), accessTokenLifetime(),
                AuthorizationRequests.LIFETIME.plus(AuthorizationRequests.CLOCK_SKEW)));
    }
}
