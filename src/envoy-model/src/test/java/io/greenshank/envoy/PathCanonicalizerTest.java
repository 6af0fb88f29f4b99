package io.greenshank.envoy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Chromium's path canonicalizer as Envoy's normalize_path uses it. */
class PathCanonicalizerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/|/",
            "/a/b|/a/b",
            "/a/./b|/a/b",
            "/a/../b|/b",
            "/../../a|/a",
            "/a/..|/",
            "/a/.|/a/",
            "/a/%2e%2E/b|/b",
            "/a/.%2e/b|/b",
            "/a/..b/c|/a/..b/c",
            "/a\\b|/a/b",
            "/%61%62|/ab",
            "/%2F|/%2F",
            "/%25|/%25",
            "/a b|/a%20b",
            "/a\"b|/a%22b",
            "/{x}|/%7Bx%7D",
            "/%zz|/%zz",
            "/a?b=/../c|/a?b=/../c",
    })
    void canonical(String in, String out) {
        assertThat(PathCanonicalizer.canonical(in)).contains(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"/a%00b", "/a\u0000b"})
    void invalid(String in) {
        assertThat(PathCanonicalizer.canonical(in)).isEmpty();
    }
}
