package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.kubectl.krb5.CacheName;
import io.greenshank.testing.kerberos.MitKdc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads credential caches that MIT {@code kinit} wrote: plain files and DIR collections. */
class TicketCacheTest {
    private static CacheName name(String ccname) throws Exception {
        return TicketCache.defaultName(Map.of("KRB5CCNAME", ccname));
    }

    @Test
    void readsThePrincipalAndTgtExpiryOfAKinitCache() throws Exception {
        MitKdc kdc = MitKdc.shared();
        kdc.addUser("carol", "carol-pw-1");
        Path ccache = kdc.kinit("carol", "carol-pw-1", "-l", "2h");
        TicketCache cache = TicketCache.read(name("FILE:" + ccache)).orElseThrow();
        assertThat(cache.principal()).isEqualTo("carol@" + MitKdc.REALM);
        assertThat(cache.file()).contains(ccache);
        // The realm's max_life is 10 h and the request 2 h; the KDC grants the lesser.
        assertThat(cache.tgtExpires()).hasValueSatisfying(end -> assertThat(end)
                .isBetween(Instant.now().plus(Duration.ofMinutes(110)), Instant.now().plus(Duration.ofMinutes(121))));
        assertThat(cache.hasCurrentTgt(Instant.now())).isTrue();
        assertThat(cache.hasCurrentTgt(Instant.now().plus(Duration.ofHours(3)))).isFalse();
    }

    @Test
    void noFileMeansNoTicket() throws Exception {
        assertThat(TicketCache.read(name("FILE:/nonexistent/krb5cc"))).isEmpty();
        assertThat(TicketCache.read(name("DIR:/nonexistent/krb5cc-dir"))).isEmpty();
    }

    @Test
    void readsTheCollectionsPrimaryCacheAsKinitAndKswitchLeaveIt() throws Exception {
        MitKdc kdc = MitKdc.shared();
        kdc.addUser("dora", "dora-pw-1");
        kdc.addUser("egon", "egon-pw-1");
        Path dir = Files.createTempDirectory(kdc.dir(), "collection-");
        Map<String, String> env = Map.of("KRB5CCNAME", "DIR:" + dir);
        kdc.kinit(env, "dora", "dora-pw-1");
        assertThat(TicketCache.read(name("DIR:" + dir)).orElseThrow().principal()).isEqualTo("dora@" + MitKdc.REALM);

        // A second principal gets a new cache in the collection, which becomes the primary.
        kdc.kinit(env, "egon", "egon-pw-1");
        TicketCache egon = TicketCache.read(name("DIR:" + dir)).orElseThrow();
        assertThat(egon.principal()).isEqualTo("egon@" + MitKdc.REALM);
        assertThat(egon.file().orElseThrow().getParent()).isEqualTo(dir);
        assertThat(egon.file().orElseThrow().getFileName().toString()).startsWith("tkt");

        kdc.run(java.util.List.of("kswitch", "-p", "dora"), env);
        TicketCache dora = TicketCache.read(name("DIR:" + dir)).orElseThrow();
        assertThat(dora.principal()).isEqualTo("dora@" + MitKdc.REALM);
        assertThat(dora.hasCurrentTgt(Instant.now())).isTrue();
        // DIR::file names one cache of the collection, whatever the primary is.
        assertThat(TicketCache.read(name("DIR::" + egon.file().orElseThrow())).orElseThrow().principal())
                .isEqualTo("egon@" + MitKdc.REALM);
    }

    @Test
    void aPrimaryFileThatPointsOutsideTheCollectionIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("greenshank-collection-");
        Files.writeString(dir.resolve("primary"), "../../etc/passwd\n");
        assertThatThrownBy(() -> TicketCache.read(name("DIR:" + dir)))
                .hasMessageContaining(dir.resolve("primary").toString()).hasMessageContaining("tkt");
    }

    @Test
    void cachesNoOtherProcessCanReadAreRefusedWithWhatToDo() {
        assertThatThrownBy(() -> TicketCache.read(name("MEMORY:x")))
                .isInstanceOf(CacheName.InvalidCacheName.class)
                .hasMessageContaining("MEMORY:x (from KRB5CCNAME)").hasMessageContaining("kinit into a FILE:");
        assertThatThrownBy(() -> TicketCache.read(name("API:alice")))
                .hasMessageContaining("macOS or Windows");
        assertThatThrownBy(() -> TicketCache.read(name("BOGUS:x")))
                .hasMessageContaining("BOGUS:x (from KRB5CCNAME)").hasMessageContaining("does not know");
    }
}
