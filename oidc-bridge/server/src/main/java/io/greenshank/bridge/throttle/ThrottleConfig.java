package io.greenshank.bridge.throttle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code greenshank.bridge.throttle.*}: backoff after failed logins. */
@ConfigMapping(prefix = "greenshank.bridge.throttle")
public interface ThrottleConfig {

    /** Failures per user before backoff starts. */
    @WithDefault("5")
    int freeFailuresPerUser();

    /** Failures per client address before backoff starts. */
    @WithDefault("20")
    int freeFailuresPerAddress();

    /** The delay after the first failure past the free ones; doubles with each further failure. */
    @WithDefault("PT1S")
    Duration initialDelay();

    /**
     * The per-user delay never exceeds this, so an attacker who knows a login can slow that user down but never
     * lock them out.
     */
    @WithDefault("PT30S")
    Duration maxDelayPerUser();

    @WithDefault("PT5M")
    Duration maxDelayPerAddress();

    /** Failures older than this are forgotten. */
    @WithDefault("PT15M")
    Duration forgetAfter();

    /**
     * The most users plus client addresses tracked at once (about 200 bytes each, so 20 MB at the default); beyond
     * it the least recently failed are forgotten first. Bounds what an attacker cycling names or addresses costs.
     */
    @WithDefault("100000")
    int maxTracked();
}
