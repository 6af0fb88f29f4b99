package io.greenshank.profiles.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels every profile namespace carries, with the semantics of Kubeflow's {@code namespace-labels.yaml}:
 * a label already present on the namespace is not overwritten (an administrator may have changed it), and a label
 * whose configured value is empty is removed.
 */
public record NamespaceLabels(Map<String, String> labels) {

    /** What the controller sets even without a labels file: the namespace joins the mesh. */
    public static final NamespaceLabels DEFAULT = new NamespaceLabels(Map.of("istio-injection", "enabled"));

    public NamespaceLabels {
        labels = Map.copyOf(labels);
    }

    /**
     * Reads a YAML (or JSON) map of label to value; {@code istio-injection: enabled} is added unless the file
     * mentions it.
     */
    public static NamespaceLabels fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("namespace labels file " + file + " is not a map of label to value");
            }
            Map<String, String> out = new LinkedHashMap<>(DEFAULT.labels);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
            }
            return new NamespaceLabels(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read namespace labels file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The namespace's labels after applying these; the input map is not modified. */
    public Map<String, String> applyTo(Map<String, String> existing) {
        Map<String, String> out = new LinkedHashMap<>(existing == null ? Map.of() : existing);
        labels.forEach((k, v) -> {
            if (v.isEmpty()) {
                out.remove(k);
            } else {
                out.putIfAbsent(k, v);
            }
        });
        return out;
    }
}
