package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.testing.kerberos.MitKdc;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads credential caches that MIT {@code kinit} wrote. */
class TicketCacheTest {
    @Test
    void readsThePrincipalAndTgtExpiryOfAKinitCache() throws Exception {
        MitKdc kdc = MitKdc.shared();
        kdc.addUser("carol", "carol-pw-1");
        Path ccache = kdc.kinit("carol", "carol-pw-1", "-l", "2h");
        TicketCache cache = TicketCache.read(ccache).orElseThrow();
        assertThat(cache.principal()).isEqualTo("carol@" + MitKdc.REALM);
        // The realm's max_life is 10 h and the request 2 h; the KDC grants the lesser.
        assertThat(cache.tgtExpires()).hasValueSatisfying(end -> assertThat(end)
                .isBetween(Instant.now().plus(Duration.ofMinutes(110)), Instant.now().plus(Duration.ofMinutes(121))));
        assertThat(cache.hasCurrentTgt(Instant.now())).isTrue();
        assertThat(cache.hasCurrentTgt(Instant.now().plus(Duration.ofHours(3)))).isFalse();
    }

    @Test
    void noFileMeansNoTicket() throws Exception {
        assertThat(TicketCache.read(Path.of("/nonexistent/krb5cc"))).isEmpty();
    }

    @Test
    void findsTheCacheLikeMitDoes() throws Exception {
        assertThat(TicketCache.defaultLocation(Map.of("KRB5CCNAME", "FILE:/tmp/x"))).isEqualTo(Path.of("/tmp/x"));
        assertThat(TicketCache.defaultLocation(Map.of("KRB5CCNAME", "/tmp/y"))).isEqualTo(Path.of("/tmp/y"));
        assertThat(TicketCache.defaultLocation(Map.of()).toString()).startsWith("/tmp/krb5cc_");
        assertThatThrownBy(() -> TicketCache.defaultLocation(Map.of("KRB5CCNAME", "KEYRING:persistent:0")))
                .hasMessageContaining("FILE caches only");
    }
}
