package io.greenshank.authz.jwt;

import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static Identity identity(Instant exp) {
        return new Identity("alice@example.com", List.of(), Optional.of("iss"), Optional.of("sub"), Optional.empty(),
                AuthMethod.JWT, Map.of(), Optional.of(exp));
    }

    @Test
    void entries_never_outlive_the_token_nor_the_max_ttl() {
        MovableClock clock = new MovableClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(2), clock);
        cache.put("short.lived.token", identity(clock.now.plusSeconds(30)));
        cache.put("long.lived.token", identity(clock.now.plusSeconds(3600)));
        assertThat(cache.get("short.lived.token")).isNotNull();
        clock.now = clock.now.plusSeconds(31);
        assertThat(cache.get("short.lived.token")).as("past exp").isNull();
        assertThat(cache.get("long.lived.token")).isNotNull();
        clock.now = clock.now.plusSeconds(90);
        assertThat(cache.get("long.lived.token")).as("past max-ttl").isNull();
    }

    @Test
    void already_expired_identities_are_not_cached_and_a_flood_stays_bounded() {
        MovableClock clock = new MovableClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(1000, Duration.ofMinutes(2), clock);
        cache.put("expired", identity(clock.now.minusSeconds(1)));
        assertThat(cache.get("expired")).isNull();
        for (int i = 0; i < 50_000; i++) {
            cache.put("token-" + i, identity(clock.now.plusSeconds(600)));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void keys_are_hashes_not_tokens() {
        assertThat(TokenKey.of("secret.token.value").toString()).doesNotContain("secret");
        assertThat(TokenKey.of("a.b.c")).isEqualTo(TokenKey.of("a.b.c")).isNotEqualTo(TokenKey.of("a.b.d"));
    }
}
