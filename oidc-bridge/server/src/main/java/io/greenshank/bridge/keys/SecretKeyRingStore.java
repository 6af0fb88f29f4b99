package io.greenshank.bridge.keys;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The key ring in a Kubernetes Secret, so every replica signs with and publishes the same keys. Writes use the
 * Secret's resourceVersion for optimistic concurrency: of two replicas rotating at once, one wins and the other
 * re-reads.
 */
public final class SecretKeyRingStore implements KeyRingStore {

    static final String DATA_KEY = "keys.json";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public SecretKeyRingStore(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Optional<Versioned> load() throws Exception {
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        if (s == null || s.getData() == null || !s.getData().containsKey(DATA_KEY)) {
            return Optional.empty();
        }
        String json = new String(Base64.getDecoder().decode(s.getData().get(DATA_KEY)), StandardCharsets.UTF_8);
        return Optional.of(new Versioned(KeyRing.fromJson(json), s.getMetadata().getResourceVersion()));
    }

    @Override
    public boolean save(KeyRing ring, Optional<String> expectedVersion) {
        String data = Base64.getEncoder().encodeToString(ring.toJson().getBytes(StandardCharsets.UTF_8));
        SecretBuilder b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/name", "greenshank-oidc-bridge")
                .withResourceVersion(expectedVersion.orElse(null)).endMetadata()
                .withType("Opaque").withData(Map.of(DATA_KEY, data));
        try {
            if (expectedVersion.isEmpty()) {
                client.secrets().inNamespace(namespace).resource(b.build()).create();
            } else {
                client.secrets().inNamespace(namespace).resource(b.build()).update();
            }
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }
}
