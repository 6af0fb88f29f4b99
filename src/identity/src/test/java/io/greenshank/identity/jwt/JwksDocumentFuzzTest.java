package io.greenshank.identity.jwt;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzzes JWKS document parsing ({@link IssuerKeys#parse}), the text an issuer's {@code jwks_uri} or a mounted file
 * supplies. Properties: a document is either a key set with at least one key or refused with
 * {@link JwksFetchException} (never another exception, which would end a refresh abnormally); no parsed key ever
 * checks a symmetric or {@code none} algorithm.
 */
class JwksDocumentFuzzTest {

    private static final Instant FETCHED = Instant.parse("2026-06-01T00:00:00Z");

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        IssuerKeys keys;
        try {
            keys = IssuerKeys.parse(json, FETCHED);
        } catch (JwksFetchException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(keys.size()).isPositive();
        for (String alg : List.of("HS256", "HS512", "none")) {
            assertThatThrownBy(() -> keys.select(null, alg)).isInstanceOf(TokenRejectedException.class);
        }
    }
}
