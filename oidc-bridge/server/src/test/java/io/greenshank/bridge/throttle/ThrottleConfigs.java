package io.greenshank.bridge.throttle;

import java.time.Duration;

/** Throttle settings for tests that build a {@link LoginThrottle} without Quarkus: the defaults but the free failures. */
public final class ThrottleConfigs {

    private ThrottleConfigs() {
    }

    public static ThrottleConfig of(int freePerUser, int freePerAddress) {
        return new ThrottleConfig() {
            @Override
            public int freeFailuresPerUser() {
                return freePerUser;
            }

            @Override
            public int freeFailuresPerAddress() {
                return freePerAddress;
            }

            @Override
            public Duration initialDelay() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration maxDelayPerUser() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration maxDelayPerAddress() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration forgetAfter() {
                return Duration.ofMinutes(15);
            }

            @Override
            public int maxTracked() {
                return 100_000;
            }
        };
    }
}
