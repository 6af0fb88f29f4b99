package io.greenshank.authz.path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes request-target normalization in every {@link PathNormalization} mode. Properties: a target is normalized
 * or refused with {@link RejectedPathException}; the screening {@link PathNormalizer#malformed} refuses whatever
 * every mode refuses for the same reason; a normalized path starts with {@code /} and has no control character;
 * outside NONE it has no {@code \} and no dot segment, and in the merging modes no {@code //}; normalization is
 * idempotent (normalizing the result again changes nothing).
 */
class PathNormalizerFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void normalize(byte[] input) {
        String target = new String(input, StandardCharsets.UTF_8);
        for (PathNormalization mode : PathNormalization.values()) {
            PathNormalizer normalizer = new PathNormalizer(mode);
            RequestTarget once;
            try {
                once = normalizer.normalize(target);
            } catch (RejectedPathException e) {
                assertThat(e.getMessage()).isNotBlank();
                continue;
            }
            String path = once.path();
            assertThat(path).startsWith("/");
            assertThat(path.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
            if (mode != PathNormalization.NONE) {
                assertThat(path).doesNotContain("\\").doesNotContain("/./").doesNotContain("/../")
                        .doesNotEndWith("/.").doesNotEndWith("/..");
            }
            if (mode == PathNormalization.MERGE_SLASHES || mode == PathNormalization.DECODE_AND_MERGE_SLASHES) {
                assertThat(path).doesNotContain("//");
            }
            RequestTarget twice;
            try {
                twice = normalizer.normalize(path);
            } catch (RejectedPathException e) {
                throw new AssertionError(mode + ": normalized path " + path + " is refused: " + e.getMessage(), e);
            }
            assertThat(twice.path()).as("%s is idempotent on %s", mode, target).isEqualTo(path);
        }
    }
}
