package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.testing.ldap.Slapd;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LDAPS and StartTLS against a real slapd with a configured CA; plain LDAP only when explicitly allowed. */
class SlapdTlsTest {

    static Slapd slapd;
    static LdapSettings base;

    @BeforeAll
    static void start() throws Exception {
        slapd = ExampleDirectory.start(true);
        base = ExampleDirectory.settings(slapd);
    }

    @AfterAll
    static void stop() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void ldapsWithTheConfiguredCa() throws Exception {
        LdapSettings s = base.withTransport(List.of(slapd.ldapsUrl()), false, false,
                Optional.of(slapd.caFile().toString()));
        try (LdapDirectory d = new LdapDirectory(s)) {
            assertThat(d.authenticate("alice", "alice-secret-1").username()).isEqualTo("alice");
        }
    }

    @Test
    void startTlsWithTheConfiguredCa() throws Exception {
        LdapSettings s = base.withTransport(List.of(slapd.url()), true, false,
                Optional.of(slapd.caFile().toString()));
        try (LdapDirectory d = new LdapDirectory(s)) {
            assertThat(d.authenticate("alice", "alice-secret-1").username()).isEqualTo("alice");
        }
    }

    @Test
    void anUntrustedCertificateIsUnavailableNotAccepted() throws Exception {
        LdapSettings s = base.withTransport(List.of(slapd.ldapsUrl()), false, false, Optional.empty());
        try (LdapDirectory d = new LdapDirectory(s)) {
            assertThatThrownBy(() -> d.authenticate("alice", "alice-secret-1"))
                    .isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void plainLdapIsRefusedUnlessAllowed() {
        LdapSettings s = base.withTransport(List.of(slapd.url()), false, false, Optional.empty());
        assertThatThrownBy(() -> new LdapDirectory(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allow-plain");
    }

    @Test
    void failoverToTheSecondUrl() throws Exception {
        LdapSettings s = base.withTransport(List.of("ldap://127.0.0.1:1", slapd.url()), false, true,
                Optional.empty());
        try (LdapDirectory d = new LdapDirectory(s)) {
            assertThat(d.authenticate("alice", "alice-secret-1").username()).isEqualTo("alice");
        }
    }
}
