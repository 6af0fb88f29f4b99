package io.greenshank.bridge.oidc;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what a caller of {@code /token} controls before any grant runs: the Content-Type, the form body
 * ({@link OAuthForm#parse}), HTTP Basic client credentials ({@link ClientAuthentication#basic}) and the scope
 * parameter ({@link Scopes#parse}). Input: {@code content-type \n basic-credentials \n body}. Properties: a body is
 * a form or {@code invalid_request}, never another exception; a parsed form re-encoded parses to the same
 * parameters; Basic credentials are an id and a secret or {@code invalid_client}; parsed scopes are only supported
 * ones.
 */
class TokenFormFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void token(byte[] input) throws Exception {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        String contentType = parts[0];
        String basic = parts.length > 1 ? parts[1] : "";
        String body = parts.length > 2 ? parts[2] : "";
        try {
            String[] idSecret = ClientAuthentication.basic(basic);
            assertThat(idSecret).hasSize(2).doesNotContainNull();
        } catch (OAuthException e) {
            assertThat(e.error()).isEqualTo("invalid_client");
        }
        Map<String, String> params;
        try {
            params = OAuthForm.parse(contentType, body);
        } catch (OAuthException e) {
            assertThat(e.error()).isEqualTo("invalid_request");
            return;
        }
        String reencoded = params.entrySet().stream()
                .map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        assertThat(OAuthForm.parse("application/x-www-form-urlencoded", reencoded)).isEqualTo(params);
        assertThat(Scopes.parse(Optional.ofNullable(params.get("scope")))).isSubsetOf(Scopes.SUPPORTED);
    }
}
