package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsWhatItWrites() {
        Map<String, Object> doc = Map.of("s", "a\"b\\c\n\u0001é", "n", 42L, "d", 1.5, "b", true,
                "l", List.of(1L, "x"), "o", Map.of("k", "v"));
        assertThat(Json.parse(Json.write(doc, 0))).isEqualTo(doc);
        assertThat(Json.parse(Json.write(doc, 2))).isEqualTo(doc);
    }

    @Test
    void readsEscapesAndNulls() {
        assertThat(Json.parseObject("{\"a\":\"\\u0041\\/\",\"b\":null,\"c\":[]}"))
                .containsEntry("a", "A/").containsEntry("b", null).containsEntry("c", List.of());
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("", "{", "{\"a\"}", "[1,]", "{\"a\":1}x", "\"\\q\"", "tru", "[" .repeat(100))) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
