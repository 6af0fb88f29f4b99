package io.greenshank.kubectl;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what the kubectl plugin reads from outside: the {@code KUBERNETES_EXEC_INFO} ExecCredential kubectl
 * passes, a token-cache file (another process, or a disk error, may leave anything there) and the ID token the
 * bridge returned. Input: the first byte picks which (0: exec info, 1: cache file, 2: ID token). Properties: exec
 * info and ID tokens are read or refused with {@link IllegalArgumentException}, the plugin's documented error;
 * a cache file is an entry or ignored, never an exception; JSON the plugin reads and writes back reads the same;
 * the ExecCredential written for a token carries that token verbatim.
 */
class PluginFilesFuzzTest {

    private static final TokenCache.Slot SLOT = new TokenCache(tempDir()).slot("https://bridge", "kubectl", "alice");

    @FuzzTest(maxDuration = "5m")
    void read(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        switch (input[0] % 3) {
            case 0 -> {
                try {
                    ExecInfo.fromEnv(Map.of("KUBERNETES_EXEC_INFO", text));
                    Object json = Json.parse(text);
                    assertThat(Json.parse(Json.write(json, 0))).isEqualTo(json);
                    assertThat(Json.parse(Json.write(json, 2))).isEqualTo(json);
                } catch (IllegalArgumentException refused) {
                    assertThat(refused.getMessage()).isNotBlank();
                }
            }
            case 1 -> {
                Files.writeString(SLOT.file(), text, StandardCharsets.UTF_8);
                Optional<TokenCache.Entry> entry = SLOT.read();
                entry.ifPresent(e -> assertThat(e.issuer()).isEqualTo("https://bridge"));
            }
            default -> {
                IdToken token;
                try {
                    token = IdToken.parse(text);
                } catch (IllegalArgumentException refused) {
                    return;
                }
                Map<String, Object> credential = Json.parseObject(ExecInfo.credential(ExecInfo.V1, token));
                assertThat(((Map<?, ?>) credential.get("status")).get("token")).isEqualTo(text);
            }
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("plugin-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
