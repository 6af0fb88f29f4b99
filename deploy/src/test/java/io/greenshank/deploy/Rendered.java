package io.greenshank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.greenshank.kubectl.testing.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One kustomization rendered by the real {@code kubectl kustomize} (kubectl 1.32, kustomize 5.5), as YAML trees and
 * as fabric8 objects. Renders are cached per directory for the test JVM.
 */
final class Rendered {

    static final Path ROOT = Path.of(System.getProperty("greenshank.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final KubernetesSerialization K8S = new KubernetesSerialization();
    private static final Pattern DOC = Pattern.compile("(?m)^---\\s*$");
    private static final Map<Path, Rendered> CACHE = new ConcurrentHashMap<>();

    /** The two overlays a user installs. */
    static final List<String> OVERLAYS = List.of("overlays/kubeflow", "overlays/standalone");

    final Path dir;
    final String yaml;
    final List<JsonNode> trees;
    final List<HasMetadata> objects;

    private Rendered(Path dir, String yaml, List<JsonNode> trees, List<HasMetadata> objects) {
        this.dir = dir;
        this.yaml = yaml;
        this.trees = trees;
        this.objects = objects;
    }

    /** {@code relative} to deploy/, e.g. {@code overlays/kubeflow}. */
    static Rendered of(String relative) {
        return of(DEPLOY.resolve(relative));
    }

    static Rendered of(Path dir) {
        return CACHE.computeIfAbsent(dir.normalize(), Rendered::render);
    }

    private static Rendered render(Path dir) {
        Kubectl.requireInstalled();
        try {
            Path work = Files.createDirectories(DEPLOY.resolve("target/kubectl-home"));
            Path kubeconfig = work.resolve("kubeconfig");
            if (!Files.exists(kubeconfig)) {
                Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
            }
            String[] r = Kubectl.run(kubeconfig, Map.of(), "kustomize", dir.toString());
            if (!"0".equals(r[0])) {
                throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + r[0] + "):\n" + r[2]);
            }
            List<JsonNode> trees = new ArrayList<>();
            List<HasMetadata> objects = new ArrayList<>();
            for (String doc : DOC.split(r[1])) {
                if (doc.isBlank()) {
                    continue;
                }
                trees.add(YAML.readTree(doc));
                objects.add(K8S.unmarshal(doc));
            }
            return new Rendered(dir, r[1], trees, objects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<HasMetadata> kind(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    List<JsonNode> trees(String kind) {
        return trees.stream().filter(t -> t.path("kind").asText().equals(kind)).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())
                && java.util.Objects.equals(namespace, o.getMetadata().getNamespace())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return find(type, namespace, name).orElseThrow(
                () -> new AssertionError(type.getSimpleName() + " " + namespace + "/" + name + " not rendered in " + dir));
    }

    /** The Deployment of a service by its app.kubernetes.io/name, e.g. {@code greenshank-authz-service}. */
    Deployment deployment(String app) {
        return all(Deployment.class).stream().filter(d -> app.equals(d.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + app + " in " + dir));
    }

    /** The environment a Deployment's first container gets from its envFrom ConfigMaps and plain env values. */
    Map<String, String> environment(Deployment d) {
        Map<String, String> env = new HashMap<>();
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        for (var from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                ConfigMap cm = get(ConfigMap.class, d.getMetadata().getNamespace(), from.getConfigMapRef().getName());
                env.putAll(cm.getData());
            }
        }
        for (var e : container.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        return env;
    }

    /** A rendered tree without the fields an API server adds or owns, for comparisons. */
    static JsonNode comparable(JsonNode tree) {
        ObjectNode copy = tree.deepCopy();
        copy.remove("status");
        if (copy.get("metadata") instanceof ObjectNode m) {
            for (String f : List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields",
                    "selfLink")) {
                m.remove(f);
            }
            if (m.path("annotations").isEmpty()) {
                m.remove("annotations");
            }
            if (m.path("finalizers").isEmpty()) {
                m.remove("finalizers");
            }
        }
        return copy;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
