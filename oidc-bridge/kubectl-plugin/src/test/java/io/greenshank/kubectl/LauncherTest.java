package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.PluginInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The {@code kubectl-greenshank} launcher script as installed next to the jar. */
class LauncherTest {
    @Test
    void buildsAClassDataArchiveInTheBackgroundThatLaterRunsMap() throws Exception {
        Path dir = Files.createTempDirectory("greenshank-launcher-");
        PluginInstall plugin = PluginInstall.into(dir.resolve("bin"));
        Path cds = dir.resolve("cds");
        Map<String, String> env = Map.of("GREENSHANK_CDS", "on", "GREENSHANK_CDS_DIR", cds.toString());
        PluginInstall.Result first = plugin.run(List.of("help"), env);
        assertThat(first.exitCode()).isZero();
        assertThat(first.stdout()).contains("usage: kubectl greenshank");

        long deadline = System.nanoTime() + 180_000_000_000L;
        while (archives(cds) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(archives(cds)).isEqualTo(1);
        // -Xshare:on makes the JVM refuse to start unless it can map the archive the launcher chose.
        PluginInstall.Result mapped = plugin.run(List.of("help"),
                Map.of("GREENSHANK_CDS", "on", "GREENSHANK_CDS_DIR", cds.toString(), "GREENSHANK_JAVA_OPTS",
                        "-Xshare:on"));
        assertThat(mapped.exitCode()).as(mapped.stderr()).isZero();
        assertThat(mapped.stdout()).contains("usage: kubectl greenshank");
        try (Stream<Path> files = Files.list(cds)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
        }
    }

    @Test
    void saysWhereTheJarShouldBeWhenItIsMissing() throws Exception {
        Path dir = Files.createTempDirectory("greenshank-launcher-");
        PluginInstall plugin = PluginInstall.into(dir.resolve("bin"));
        Files.delete(dir.resolve("bin/greenshank-kubectl-plugin.jar"));
        PluginInstall.Result r = plugin.run(List.of("help"), Map.of());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("greenshank-kubectl-plugin.jar not found");
    }

    private static long archives(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jsa")).count();
        }
    }
}
