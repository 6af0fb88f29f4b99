package io.greenshank.authz.policy.match;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes Istio path templates ({@code {*}}, {@code {**}}). Input: {@code template NUL path}. Properties: a template
 * is compiled or refused with {@link IllegalArgumentException}; matching never throws; a template matches the path
 * it describes with each operator replaced by one plain segment; a {@code {*}} never matches across a {@code /}.
 */
class PathTemplateFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void match(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int nul = text.indexOf('\0');
        String source = nul < 0 ? text : text.substring(0, nul);
        String path = nul < 0 ? "" : text.substring(nul + 1);
        PathTemplate template;
        try {
            template = PathTemplate.parse(source);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        template.matches(path);
        String instance = source.replace("{**}", "seg").replace("{*}", "seg");
        assertThat(template.matches(instance)).as("%s matches %s", source, instance).isTrue();
        if (source.contains("{*}") && !source.contains("{**}")) {
            String twoSegments = source.replace("{*}", "a/b");
            assertThat(template.matches(twoSegments)).as("%s does not match %s", source, twoSegments).isFalse();
        }
    }
}
