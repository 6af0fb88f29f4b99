package io.greenshank.identity.jwt;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IssuerKeysTest {

    /** Found by JwksDocumentFuzzTest: a document starting with "null" parsed to null and threw NullPointerException. */
    @Test
    void jsonNullAndOtherNonObjectsAreRefusedAsNotAnObject() {
        for (String doc : new String[] {"null", "null,[]][\"\",null,[]]}", "[]", "\"keys\"", ""}) {
            assertThatThrownBy(() -> IssuerKeys.parse(doc, Instant.EPOCH)).as(doc)
                    .isInstanceOf(JwksFetchException.class);
        }
    }
}
