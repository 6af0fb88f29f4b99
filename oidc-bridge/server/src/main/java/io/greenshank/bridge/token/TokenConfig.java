package io.greenshank.bridge.token;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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

    /** The longest-lived JWT this bridge signs: how long a retired key stays published. */
    default Duration maxJwtLifetime() {
        return idTokenLifetime().compareTo(accessTokenLifetime()) >= 0 ? idTokenLifetime() : accessTokenLifetime();
    }
}
