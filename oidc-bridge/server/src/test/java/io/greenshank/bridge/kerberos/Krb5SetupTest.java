package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class Krb5SetupTest {
    @Test
    void setsExactlyOneClockskewInLibdefaults() {
        String conf = "[libdefaults]\n  default_realm = X\n  clockskew = 900\n[realms]\n  X = {\n  }\n";
        String effective = Krb5Setup.withClockSkew(conf, Duration.ofSeconds(120));
        assertThat(effective).contains("clockskew = 120").doesNotContain("900").contains("default_realm = X")
                .contains("[realms]");
        assertThat(effective.split("clockskew", -1)).hasSize(2);
    }

    @Test
    void addsLibdefaultsWhenMissing() {
        assertThat(Krb5Setup.withClockSkew("", Duration.ofSeconds(60))).startsWith("[libdefaults]\n  clockskew = 60");
    }
}
