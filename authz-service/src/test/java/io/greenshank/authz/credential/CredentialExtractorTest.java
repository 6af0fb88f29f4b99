package io.greenshank.authz.credential;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialExtractorTest {

    final CredentialExtractor x = new CredentialExtractor(Optional.of("authservice_session"), List.of("X-Goog-IAP-JWT-Assertion"));

    @Test
    void bearer_scheme_is_case_insensitive_and_trimmed() {
        assertThat(x.extract(Map.of("authorization", "  BeArEr   a.b.c ")).get().token()).isEqualTo("a.b.c");
        assertThat(x.extract(Map.of("authorization", "Bearer")).isEmpty()).isTrue();
        assertThat(x.extract(Map.of("authorization", "Bearerx a.b.c")).isEmpty()).isTrue();
    }

    @Test
    void cookie_is_found_among_others_and_merged_headers() {
        assertThat(x.extract(Map.of("cookie", "a=1; authservice_session=t.o.k; b=2")).get().source()).isEqualTo("cookie:authservice_session");
        assertThat(x.extract(Map.of("cookie", "a=1,authservice_session=\"t.o.k\"")).get().token()).isEqualTo("t.o.k");
        assertThat(x.extract(Map.of("cookie", "xauthservice_session=t.o.k")).isEmpty()).isTrue();
    }

    @Test
    void configured_header_name_is_matched_lower_case_and_bearer_takes_precedence() {
        assertThat(x.extract(Map.of("x-goog-iap-jwt-assertion", "h.e.d")).get().source()).isEqualTo("header:x-goog-iap-jwt-assertion");
        assertThat(x.extract(Map.of("x-goog-iap-jwt-assertion", "h.e.d", "authorization", "Bearer b.e.a")).get().token()).isEqualTo("b.e.a");
    }

    @Test
    void to_string_never_shows_the_token() {
        assertThat(new Credential("secret.token.value", "bearer").toString()).doesNotContain("secret");
    }
}
