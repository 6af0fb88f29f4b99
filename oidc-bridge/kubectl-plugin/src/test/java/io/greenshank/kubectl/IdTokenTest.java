package io.greenshank.kubectl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdTokenTest {

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Found by PluginFilesFuzzTest: an exp beyond what Instant holds (a corrupt cache file) threw DateTimeException,
     * which the cache reader does not catch, so the plugin crashed instead of logging in again.
     */
    @Test
    void unrepresentableExpIsRefusedAsMalformed() {
        for (String exp : new String[] {"1e300", "-1e300", "9223372036854775807"}) {
            String token = b64("{\"alg\":\"ES256\"}") + "." + b64("{\"exp\":" + exp + "}") + ".sig";
            assertThatThrownBy(() -> IdToken.parse(token)).as(exp).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a representable time");
        }
        String fine = b64("{\"alg\":\"ES256\"}") + "." + b64("{\"exp\":1900000000}") + ".sig";
        assertThat(IdToken.parse(fine).expiresAt().getEpochSecond()).isEqualTo(1900000000L);
    }
}
