package io.greenshank.kubectl.krb5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default cache name, in MIT's order: KRB5CCNAME, default_ccache_name, the built-in default. */
class CacheNameTest {
    @TempDir
    Path dir;

    private Path config(String ccacheName) throws Exception {
        Path conf = dir.resolve("krb5-" + System.nanoTime() + ".conf");
        Files.writeString(conf, "[libdefaults]\n  default_ccache_name = " + ccacheName + "\n");
        return conf;
    }

    @Test
    void krb5ccnameComesFirst() throws Exception {
        Map<String, String> env = Map.of("KRB5CCNAME", "KCM:", "KRB5_CONFIG", config("DIR:/x").toString());
        CacheName name = CacheName.resolve(env, 1000);
        assertThat(name).isEqualTo(new CacheName("KCM", "", "KRB5CCNAME"));
        assertThat(name.describe()).isEqualTo("KCM: (from KRB5CCNAME)");
        assertThat(CacheName.resolve(Map.of("KRB5CCNAME", "/tmp/plain"), 1000))
                .isEqualTo(new CacheName("FILE", "/tmp/plain", "KRB5CCNAME"));
        assertThat(CacheName.resolve(Map.of("KRB5CCNAME", "keyring:persistent:%{uid}"), 1000))
                .isEqualTo(new CacheName("KEYRING", "persistent:1000", "KRB5CCNAME"));
    }

    @Test
    void thenDefaultCcacheNameWithMitsTokensExpanded() throws Exception {
        Path conf = config("KEYRING:persistent:%{uid}");
        assertThat(CacheName.resolve(Map.of("KRB5_CONFIG", conf.toString()), 4242))
                .isEqualTo(new CacheName("KEYRING", "persistent:4242", "default_ccache_name in " + conf));
        Path dirConf = config("DIR:%{TEMP}/krb5cc_%{USERID}_dir%{null}");
        assertThat(CacheName.resolve(Map.of("KRB5_CONFIG", dirConf.toString(), "TMPDIR", "/run/user/7"), 7))
                .hasToString("DIR:/run/user/7/krb5cc_7_dir");
        assertThat(CacheName.resolve(Map.of("KRB5_CONFIG", dirConf.toString()), 7))
                .hasToString("DIR:/tmp/krb5cc_7_dir");
        assertThat(CacheName.resolve(Map.of("KRB5_CONFIG", config("FILE:%{LIBDIR}/%{euid}").toString()), 3)
                .residual()).matches("/usr/lib/[a-z0-9_]+-linux-gnu/3");
    }

    @Test
    void elseMitsBuiltInDefault() throws Exception {
        Path empty = dir.resolve("empty.conf");
        Files.writeString(empty, "[libdefaults]\n  default_realm = X\n");
        assertThat(CacheName.resolve(Map.of("KRB5_CONFIG", empty.toString()), 1000))
                .isEqualTo(new CacheName("FILE", "/tmp/krb5cc_1000", "MIT's built-in default"));
    }

    @Test
    void anUnknownOrUnclosedTokenSaysWhereTheNameCameFrom() throws Exception {
        Path conf = config("FILE:/tmp/%{username}");
        assertThatThrownBy(() -> CacheName.resolve(Map.of("KRB5_CONFIG", conf.toString()), 1))
                .isInstanceOf(CacheName.InvalidCacheName.class)
                .hasMessageContaining("default_ccache_name in " + conf).hasMessageContaining("%{username}");
        assertThatThrownBy(() -> CacheName.resolve(Map.of("KRB5CCNAME", "FILE:/tmp/%{uid"), 1))
                .hasMessageContaining("KRB5CCNAME").hasMessageContaining("closing }");
    }

    @Test
    void anUnreadableConfigurationIsReportedNotIgnored() throws Exception {
        Path conf = dir.resolve("krb5.conf");
        Files.writeString(conf, "includedir " + dir.resolve("no-such-dir") + "\n");
        assertThatThrownBy(() -> CacheName.resolve(Map.of("KRB5_CONFIG", conf.toString()), 1))
                .isInstanceOf(CacheName.InvalidCacheName.class)
                .hasMessageContaining("cannot read the Kerberos configuration").hasMessageContaining("no-such-dir");
    }
}
