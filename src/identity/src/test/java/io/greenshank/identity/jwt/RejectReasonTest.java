package io.greenshank.identity.jwt;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RejectReasonTest {

    @Test
    void codes_are_unique_snake_case_and_descriptions_fit_an_rfc6750_error_description() {
        Set<String> codes = new HashSet<>();
        for (RejectReason r : RejectReason.values()) {
            assertThat(r.code()).matches("[a-z][a-z0-9_]*");
            assertThat(codes.add(r.code())).as("unique " + r.code()).isTrue();
            // RFC 6750 section 3: error_description uses %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash)
            assertThat(r.description().chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\')).isTrue();
        }
        assertThat(RejectReason.KEYS_UNAVAILABLE.isServerSide()).isTrue();
        assertThat(RejectReason.SIGNATURE_INVALID.isServerSide()).isFalse();
    }
}
