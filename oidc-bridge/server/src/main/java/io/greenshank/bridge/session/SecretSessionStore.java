package io.greenshank.bridge.session;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A store of one kind of session value in Kubernetes Secrets, one Secret per value, so replicas share sessions and
 * survive restarts. Kubernetes does the coordinating: a name derived from the key makes a lookup one GET; updates carry
 * the resourceVersion that was read (a stale one gets 409); of two deletes of one Secret only one finds it.
 *
 * <p>Secrets rather than a custom resource because the values hold personal data (groups, email): Secrets can be
 * encrypted at rest and RBAC-scoped to the bridge's namespace, and need no CRD installed. Keys and index values are
 * hashes; no token or code is ever written.
 */
public final class SecretSessionStore<V> implements SessionStore<V> {

    private static final Logger LOG = Logger.getLogger(SecretSessionStore.class);

    public static final String APP_LABEL = "app.kubernetes.io/name";
    public static final String APP = "greenshank-oidc-bridge";
    public static final String KIND_LABEL = "greenshank.io/session-kind";
    public static final String EXPIRES_ANNOTATION = "greenshank.io/expires-at";
    public static final String DATA_KEY = "session.json";

    private final KubernetesClient client;
    private final String namespace;
    private final SessionKind<V> kind;

    public SecretSessionStore(KubernetesClient client, String namespace, SessionKind<V> kind) {
        this.client = client;
        this.namespace = namespace;
        this.kind = kind;
    }

    /**
     * A client for session requests that gives up within {@code timeout} per request and does not retry: a grant
     * waits for the API server at most that long before answering {@code temporarily_unavailable}, instead of the
     * client's default back-off of ten retries.
     */
    public static KubernetesClient boundedClient(KubernetesClient base, Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
                .withRequestTimeout(ms).withConnectionTimeout(ms).withRequestRetryBackoffLimit(0).build()).build();
    }

    /** The Secret's name: a prefix naming the kind, then the key (a hex hash chosen by the caller). */
    public String secretName(String key) {
        return "greenshank-" + kind.name() + "-" + key;
    }

    @Override
    public Optional<Stored<V>> get(String key) throws SessionStoreUnavailableException {
        Secret s = call("get", key, () -> secrets().withName(secretName(key)).get());
        return s == null ? Optional.empty() : decode(key, s);
    }

    @Override
    public boolean create(String key, V value) throws SessionStoreUnavailableException {
        return write("create", key, () -> secrets().resource(secret(key, value, null)).create());
    }

    @Override
    public boolean replace(String key, V value, String version) throws SessionStoreUnavailableException {
        return write("update", key, () -> secrets().resource(secret(key, value, version)).update());
    }

    @Override
    public boolean delete(String key) throws SessionStoreUnavailableException {
        return !call("delete", key, () -> secrets().withName(secretName(key)).delete()).isEmpty();
    }

    @Override
    public List<Stored<V>> find(Map<String, String> criteria) throws SessionStoreUnavailableException {
        Map<String, String> labels = ownLabels();
        criteria.forEach((k, v) -> labels.put(indexLabel(k), indexValue(v)));
        SecretList list = call("list", labels.toString(), () -> secrets().withLabels(labels).list());
        List<Stored<V>> found = new ArrayList<>();
        for (Secret s : list.getItems()) {
            String key = keyOf(s);
            // Label values are truncated hashes: confirm against the decoded value.
            decode(key, s).filter(st -> kind.index(st.value()).entrySet().containsAll(criteria.entrySet()))
                    .ifPresent(found::add);
        }
        return found;
    }

    @Override
    public int sweep(Instant now) throws SessionStoreUnavailableException {
        SecretList list = call("list", "sweep", () -> secrets().withLabels(ownLabels()).list());
        int removed = 0;
        for (Secret s : list.getItems()) {
            if (expired(s, now)) {
                String name = s.getMetadata().getName();
                // Another replica sweeping at once finds nothing to delete: harmless.
                removed += call("delete", name, () -> secrets().withName(name).delete()).isEmpty() ? 0 : 1;
            }
        }
        return removed;
    }

    private static boolean expired(Secret s, Instant now) {
        String at = s.getMetadata().getAnnotations() == null ? null
                : s.getMetadata().getAnnotations().get(EXPIRES_ANNOTATION);
        try {
            return at == null || !Instant.parse(at).isAfter(now);
        } catch (DateTimeParseException e) {
            return true; // ours (by its labels) but unreadable: it can never be honoured, so it goes
        }
    }

    private Secret secret(String key, V value, String version) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(secretName(key));
        meta.setNamespace(namespace);
        meta.setResourceVersion(version);
        Map<String, String> labels = ownLabels();
        kind.index(value).forEach((k, v) -> labels.put(indexLabel(k), indexValue(v)));
        meta.setLabels(labels);
        meta.setAnnotations(Map.of(EXPIRES_ANNOTATION, kind.expiresAt(value).toString()));
        String data = Base64.getEncoder().encodeToString(kind.encode(value).getBytes(StandardCharsets.UTF_8));
        return new SecretBuilder().withMetadata(meta).withType("greenshank.io/" + kind.name())
                .withData(Map.of(DATA_KEY, data)).build();
    }

    /** The key a Secret of this kind is named after: its name without {@link #secretName} prefix. */
    String keyOf(Secret s) {
        return s.getMetadata().getName().substring(secretName("").length());
    }

    Optional<Stored<V>> decode(String key, Secret s) {
        try {
            String json = new String(Base64.getDecoder().decode(s.getData().get(DATA_KEY)), StandardCharsets.UTF_8);
            return Optional.of(new Stored<>(key, kind.decode(json), s.getMetadata().getResourceVersion()));
        } catch (RuntimeException e) {
            // Fail closed: a value we cannot read grants nothing.
            LOG.warnf("session Secret %s/%s is unreadable (%s); treated as absent", namespace,
                    s.getMetadata().getName(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    Map<String, String> ownLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(APP_LABEL, APP);
        labels.put(KIND_LABEL, kind.name());
        return labels;
    }

    static String indexLabel(String attribute) {
        return "greenshank.io/" + attribute + "-hash";
    }

    /** A label value (at most 63 characters) standing for any string: a truncated SHA-256. */
    static String indexValue(String value) {
        return SessionKeys.sha256Hex(value).substring(0, 40);
    }

    NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
        return client.secrets().inNamespace(namespace);
    }

    /** A conditional write: false on 409 (stale version, or the name taken) and on 404 (gone meanwhile). */
    private boolean write(String verb, String key, Supplier<Secret> request) throws SessionStoreUnavailableException {
        return call(verb, key, () -> {
            try {
                request.get();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    private <T> T call(String verb, String what, Supplier<T> request) throws SessionStoreUnavailableException {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            int code = e.getCode();
            String why = code == 401 || code == 403
                    ? "the bridge's service account may not " + verb + " Secrets in namespace " + namespace
                    + " (apply the Role in oidc-bridge/server/src/main/resources/kubernetes/oidc-bridge-rbac.yaml)"
                    : code == 0 ? "the Kubernetes API server is unreachable or did not answer in time"
                    : "the Kubernetes API server answered " + code;
            LOG.warnf("session store (%s): %s %s failed: %s; grants needing this state fail with "
                    + "temporarily_unavailable until it recovers", kind.name(), verb, what, why);
            throw new SessionStoreUnavailableException(why, e);
        } catch (RuntimeException e) {
            LOG.warnf("session store (%s): %s %s failed: %s", kind.name(), verb, what, e.toString());
            throw new SessionStoreUnavailableException(e.toString(), e);
        }
    }
}
