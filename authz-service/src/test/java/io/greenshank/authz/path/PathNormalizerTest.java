package io.greenshank.authz.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {

    private static String norm(PathNormalization mode, String path) throws RejectedPathException {
        return new PathNormalizer(mode).normalize(path).path();
    }

    @Test
    void rejectsEncodedNulAndControlCharacters() {
        for (PathNormalization m : PathNormalization.values()) {
            assertThatThrownBy(() -> norm(m, "/admin%00.html")).isInstanceOf(RejectedPathException.class)
                    .hasMessageContaining("%00");
            assertThatThrownBy(() -> norm(m, "/a\u0000b")).isInstanceOf(RejectedPathException.class);
            assertThatThrownBy(() -> norm(m, "/a\nb")).isInstanceOf(RejectedPathException.class);
        }
        assertThatThrownBy(() -> norm(PathNormalization.BASE, "")).isInstanceOf(RejectedPathException.class);
        assertThatThrownBy(() -> norm(PathNormalization.BASE, "admin")).isInstanceOf(RejectedPathException.class);
    }

    @Test
    void queryAndFragmentAreStrippedBeforeMatching() throws Exception {
        RequestTarget t = new PathNormalizer(PathNormalization.BASE).normalize("/a/b?x=/admin#frag");
        assertThat(t.path()).isEqualTo("/a/b");
        assertThat(t.query()).isEqualTo("x=/admin");
        assertThat(norm(PathNormalization.NONE, "/a/../b?q")).isEqualTo("/a/../b");
    }

    @Test
    void baseDecodesUnreservedOnceAndResolvesDotSegments() throws Exception {
        assertThat(norm(PathNormalization.BASE, "/%61dmin")).isEqualTo("/admin");
        assertThat(norm(PathNormalization.BASE, "/a/../admin")).isEqualTo("/admin");
        assertThat(norm(PathNormalization.BASE, "/a/./b/.")).isEqualTo("/a/b/");
        assertThat(norm(PathNormalization.BASE, "/a/%2e%2E/admin")).as("encoded dots are dots").isEqualTo("/admin");
        assertThat(norm(PathNormalization.BASE, "/../../etc")).isEqualTo("/etc");
        assertThat(norm(PathNormalization.BASE, "/%2561dmin")).as("decoded only once").isEqualTo("/%2561dmin");
        assertThat(norm(PathNormalization.BASE, "/a%20b")).as("reserved escapes stay").isEqualTo("/a%20b");
        assertThat(norm(PathNormalization.BASE, "/a%2fb")).as("BASE keeps %2F, upper-cased").isEqualTo("/a%2Fb");
    }

    @Test
    void baseTurnsBackslashIntoSlash() throws Exception {
        assertThat(norm(PathNormalization.BASE, "/a\\..\\admin")).isEqualTo("/admin");
        assertThat(norm(PathNormalization.BASE, "/a//b")).as("BASE keeps double slashes").isEqualTo("/a//b");
    }

    @Test
    void mergeSlashes() throws Exception {
        assertThat(norm(PathNormalization.MERGE_SLASHES, "//admin///x")).isEqualTo("/admin/x");
        assertThat(norm(PathNormalization.MERGE_SLASHES, "/a%2F..%2Fadmin")).isEqualTo("/a%2F..%2Fadmin");
    }

    @Test
    void decodeAndMergeSlashesDecodesEscapedSlashesFirst() throws Exception {
        assertThat(norm(PathNormalization.DECODE_AND_MERGE_SLASHES, "/a%2F..%2Fadmin")).isEqualTo("/admin");
        assertThat(norm(PathNormalization.DECODE_AND_MERGE_SLASHES, "/a%5c..%5cadmin")).isEqualTo("/admin");
        assertThat(norm(PathNormalization.DECODE_AND_MERGE_SLASHES, "/a%2f%2fb")).isEqualTo("/a/b");
    }

    @Test
    void hostsLowerCaseAndPortStripping() {
        assertThat(Hosts.normalize("Example.COM:8080")).isEqualTo("example.com:8080");
        assertThat(Hosts.withoutPort("example.com:8080")).isEqualTo("example.com");
        assertThat(Hosts.withoutPort("[::1]")).isEqualTo("[::1]");
        assertThat(Hosts.withoutPort("[::1]:443")).isEqualTo("[::1]");
    }

    /** The mode-independent screening every Check gets before authentication agrees with what normalize refuses. */
    @Test
    void malformedAgreesWithNormalizeInEveryMode() {
        for (String p : new String[] {"", "x", "*", "/a\u0000", "/a%00", "/a\r", "/a\n", "/a\u007f", "/a\u001b"}) {
            assertThat(PathNormalizer.malformed(p)).as("'%s'", p).isNotNull();
            for (PathNormalization mode : PathNormalization.values()) {
                assertThatThrownBy(() -> new PathNormalizer(mode).normalize(p))
                        .as("%s '%s'", mode, p).isInstanceOf(RejectedPathException.class);
            }
        }
        for (String p : new String[] {"/", "/a/../b", "/a%2e%2e/b", "\\a", "/a%2F", "/%C3%A9"}) {
            assertThat(PathNormalizer.malformed(p)).as("'%s'", p).isNull();
        }
    }

    /** Found by PathNormalizerFuzzTest (crash-4c31a40a...): decoding must not complete a stray '%' into an escape. */
    @Test
    void decodingNeverCompletesAStrayPercentIntoAnEscape() throws Exception {
        assertThat(norm(PathNormalization.BASE, "/%%4%41E\\%2D")).isEqualTo("/%%254AE/-");
        assertThat(norm(PathNormalization.BASE, "/%%341")).isEqualTo("/%2541");
        assertThat(norm(PathNormalization.DECODE_AND_MERGE_SLASHES, "/a%%32F..")).isEqualTo("/a%252F..");
        for (PathNormalization mode : PathNormalization.values()) {
            for (String p : new String[] {"/%%4%41E", "/%%341", "/a%%32F..", "/%%%%41", "/%"}) {
                String once = norm(mode, p);
                assertThat(norm(mode, once)).as("%s on %s", mode, p).isEqualTo(once);
            }
        }
    }
}
