package io.greenshank.authz.jwt;

import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.testing.time.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    static Identity identity(Instant exp) {
        return new Identity("alice@example.com", List.of(), Optional.of("iss"), Optional.of("sub"), Optional.empty(),
                AuthMethod.JWT, Map.of(), Optional.of(exp));
    }

    @Test
    void entries_never_outlive_the_token_nor_the_max_ttl() {
        MutableClock clock = new MutableClock(START);
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(2), clock);
        cache.put("short.lived.token", identity(clock.instant().plusSeconds(30)));
        cache.put("long.lived.token", identity(clock.instant().plusSeconds(3600)));
        assertThat(cache.get("short.lived.token")).isNotNull();
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.get("short.lived.token")).as("past exp").isNull();
        assertThat(cache.get("long.lived.token")).isNotNull();
        clock.advance(Duration.ofSeconds(90));
        assertThat(cache.get("long.lived.token")).as("past max-ttl").isNull();
    }

    @Test
    void already_expired_identities_are_not_cached_and_a_flood_stays_bounded() {
        MutableClock clock = new MutableClock(START);
        VerifiedTokenCache cache = new VerifiedTokenCache(1000, Duration.ofMinutes(2), clock);
        cache.put("expired", identity(clock.instant().minusSeconds(1)));
        assertThat(cache.get("expired")).isNull();
        for (int i = 0; i < 50_000; i++) {
            cache.put("token-" + i, identity(clock.instant().plusSeconds(600)));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void expired_tokens_never_presented_again_are_swept_so_memory_follows_the_login_rate_not_max_entries() {
        MutableClock clock = new MutableClock(START);
        VerifiedTokenCache cache = new VerifiedTokenCache(100_000, Duration.ofMinutes(2), clock);
        // 30 minutes of 10 new tokens a second, each presented once (as the soak's logins and refreshes are)
        for (int second = 0; second < 1800; second++) {
            for (int i = 0; i < 10; i++) {
                cache.put("token-" + second + "-" + i, identity(clock.instant().plusSeconds(600)));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(cache.size()).as("at most two max-ttl's worth of tokens (2 × 120 s × 10/s), not all 18,000")
                .isLessThanOrEqualTo(2 * 120 * 10);
        assertThat(cache.get("token-1799-9")).as("a live entry survives the sweeps").isNotNull();
        assertThat(cache.get("token-1500-0")).as("past max-ttl").isNull();
    }

    @Test
    void keys_are_hashes_not_tokens() {
        assertThat(TokenKey.of("secret.token.value").toString()).doesNotContain("secret");
        assertThat(TokenKey.of("a.b.c")).isEqualTo(TokenKey.of("a.b.c")).isNotEqualTo(TokenKey.of("a.b.d"));
    }
}
