package io.greenshank.profiles.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceLabelsTest {

    @Test
    void fileLabelsAddMissingKeepPresentAndRemoveEmpty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("namespace-labels.yaml");
        Files.writeString(file, """
                katib.kubeflow.org/metrics-collector-injection: enabled
                pipelines.kubeflow.org/enabled: "true"
                serving.kubeflow.org/inferenceservice: ""
                """);
        NamespaceLabels labels = NamespaceLabels.fromFile(file);
        Map<String, String> out = labels.applyTo(Map.of("pipelines.kubeflow.org/enabled", "false",
                "serving.kubeflow.org/inferenceservice", "enabled", "team", "a"));
        assertThat(out).isEqualTo(Map.of("istio-injection", "enabled",
                "katib.kubeflow.org/metrics-collector-injection", "enabled",
                "pipelines.kubeflow.org/enabled", "false", "team", "a"));
    }

    @Test
    void aFileThatIsNotAMapIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "- just\n- a list\n");
        assertThatThrownBy(() -> NamespaceLabels.fromFile(file)).hasMessageContaining("not a map");
    }
}
