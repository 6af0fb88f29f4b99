package io.greenshank.kubectl.krb5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [libdefaults]} read as MIT's profile library reads it, including RHEL's and Fedora's include layout. */
class Krb5ProfileTest {
    @TempDir
    Path dir;

    @Test
    void findsARelationInAnIncludedDirectoryTheWayFedoraShipsKcm() throws Exception {
        // Fedora: /etc/krb5.conf has "includedir /etc/krb5.conf.d/", and sssd-kcm drops kcm_default_ccache there.
        Path confD = Files.createDirectory(dir.resolve("krb5.conf.d"));
        Files.writeString(confD.resolve("kcm_default_ccache"), "[libdefaults]\n    default_ccache_name = KCM:\n");
        Files.writeString(confD.resolve("kcm_default_ccache.rpmsave"), "[libdefaults]\n default_ccache_name = X:\n");
        Files.writeString(confD.resolve(".hidden.conf"), "[libdefaults]\n default_ccache_name = Y:\n");
        Path main = dir.resolve("krb5.conf");
        Files.writeString(main, """
                # comment
                includedir %s/
                [libdefaults]
                    dns_lookup_realm = false
                [realms]
                  EXAMPLE.TEST = {
                    default_ccache_name = NOT-LIBDEFAULTS:
                  }
                """.formatted(confD));
        Krb5Profile profile = Krb5Profile.load(Map.of("KRB5_CONFIG", main.toString()));
        assertThat(profile.libdefault("default_ccache_name")).hasValueSatisfying(r -> {
            assertThat(r.value()).isEqualTo("KCM:");
            assertThat(r.file()).isEqualTo(confD.resolve("kcm_default_ccache"));
        });
        assertThat(profile.libdefault("dns_lookup_realm").orElseThrow().value()).isEqualTo("false");
    }

    @Test
    void theFirstValueWinsAcrossFilesIncludesAndSections() throws Exception {
        Path first = dir.resolve("first.conf");
        Path included = dir.resolve("included.conf");
        Path second = dir.resolve("second.conf");
        Files.writeString(included, "[libdefaults]\n  default_ccache_name = \"DIR:/from include\"\n");
        Files.writeString(first, """
                [realms]
                  R = {
                    kdc = k
                  }
                include %s
                [libdefaults]
                  default_ccache_name = FILE:/later-in-first
                """.formatted(included));
        Files.writeString(second, "[libdefaults]\n default_ccache_name = KCM:\n");
        Krb5Profile profile = Krb5Profile.load(Map.of("KRB5_CONFIG",
                dir.resolve("missing.conf") + ":" + first + ":" + second));
        assertThat(profile.libdefault("default_ccache_name").orElseThrow().value()).isEqualTo("DIR:/from include");
        assertThat(profile.libdefaults()).extracting(Krb5Profile.Relation::value)
                .containsExactly("DIR:/from include", "FILE:/later-in-first", "KCM:");
    }

    @Test
    void aMissingIncludeIsAnErrorAsInMit() throws Exception {
        Path main = dir.resolve("krb5.conf");
        Files.writeString(main, "include " + dir.resolve("nope.conf") + "\n");
        assertThatThrownBy(() -> Krb5Profile.load(Map.of("KRB5_CONFIG", main.toString())))
                .hasMessageContaining("nope.conf").hasMessageContaining("does not exist");
    }

    @Test
    void anIncludeLoopStopsWithAnError() throws Exception {
        Path main = dir.resolve("krb5.conf");
        Files.writeString(main, "include " + main + "\n");
        assertThatThrownBy(() -> Krb5Profile.load(Map.of("KRB5_CONFIG", main.toString())))
                .hasMessageContaining("nested");
    }
}
