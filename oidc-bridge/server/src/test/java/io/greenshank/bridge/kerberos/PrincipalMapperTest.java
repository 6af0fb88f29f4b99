package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalMapperTest {
    final PrincipalMapper uid = new PrincipalMapper(Set.of("EXAMPLE.COM", "CORP.EXAMPLE.COM"),
            KerberosConfig.PrincipalMapping.UID, Map.of());
    final PrincipalMapper upn = new PrincipalMapper(Set.of("EXAMPLE.COM", "CORP.EXAMPLE.COM"),
            KerberosConfig.PrincipalMapping.USER_PRINCIPAL_NAME, Map.of("CORP.EXAMPLE.COM", "example.com"));

    @Test
    void mapsUserPrincipalsOfAcceptedRealmsToUid() {
        assertThat(uid.map("alice@EXAMPLE.COM")).isEqualTo(new PrincipalMapper.Login("alice", "EXAMPLE.COM"));
        assertThat(uid.map("bob@CORP.EXAMPLE.COM")).isEqualTo(new PrincipalMapper.Login("bob", "CORP.EXAMPLE.COM"));
    }

    @Test
    void mapsToUserPrincipalNamesWithTheRealmsUpnSuffix() {
        assertThat(upn.map("alice@EXAMPLE.COM")).isEqualTo(new PrincipalMapper.Login("alice@example.com",
                "EXAMPLE.COM"));
        assertThat(upn.map("bob@CORP.EXAMPLE.COM")).isEqualTo(new PrincipalMapper.Login("bob@example.com",
                "CORP.EXAMPLE.COM"));
        assertThat(upn.map("carol\\@example.org@EXAMPLE.COM"))
                .isEqualTo(new PrincipalMapper.Login("carol@example.org", "EXAMPLE.COM"));
    }

    @Test
    void refusesOtherRealmsServicesAndOddNames() {
        assertThat(reason(uid.map("alice@EVIL.COM"))).isEqualTo(RejectionReason.REALM_NOT_ACCEPTED);
        assertThat(reason(uid.map("alice@example.com"))).isEqualTo(RejectionReason.REALM_NOT_ACCEPTED);
        assertThat(reason(uid.map("alice/admin@EXAMPLE.COM"))).isEqualTo(RejectionReason.NOT_A_USER);
        assertThat(reason(uid.map("HTTP/host.example.com@EXAMPLE.COM"))).isEqualTo(RejectionReason.NOT_A_USER);
        assertThat(reason(uid.map("alice"))).isEqualTo(RejectionReason.NOT_A_USER);
        assertThat(reason(uid.map("@EXAMPLE.COM"))).isEqualTo(RejectionReason.NOT_A_USER);
        assertThat(reason(uid.map("ali\u0000ce@EXAMPLE.COM"))).isEqualTo(RejectionReason.NOT_A_USER);
    }

    private static RejectionReason reason(PrincipalMapper.Result result) {
        assertThat(result).isInstanceOf(PrincipalMapper.Refused.class);
        return ((PrincipalMapper.Refused) result).reason();
    }
}
