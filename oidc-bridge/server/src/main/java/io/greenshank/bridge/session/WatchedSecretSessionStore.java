package io.greenshank.bridge.session;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A {@link SecretSessionStore} whose values are also kept, decoded, in a copy fed by a watch on its own kind's Secrets
 * (label-selected, its namespace only), so that {@link #peek} answers without a request. Every other operation — and
 * so every state change, each a conditional write — goes to the API server exactly as in {@link SecretSessionStore}.
 *
 * <p>The copy vouches for nothing it cannot know: before the informer's first list, while its watch is down (fabric8
 * relists when it comes back), and for a key it has not seen (a value created at another replica a moment ago),
 * {@link #peek} is empty and the caller asks the API server. A value the copy does hold may be older than the
 * store's by the watch's latency.
 */
public final class WatchedSecretSessionStore<V> extends ForwardingSessionStore<V> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WatchedSecretSessionStore.class);

    private final SecretSessionStore<V> secrets;
    private final String what;
    private final SharedIndexInformer<Secret> informer;
    /** By key (the Secret's name without the kind's prefix), decoded once per change rather than once per read. */
    private final ConcurrentHashMap<String, Stored<V>> seen = new ConcurrentHashMap<>();

    /** Starts watching at once; until the first list completes {@link #peek} is always empty. */
    public WatchedSecretSessionStore(SecretSessionStore<V> store, String namespace, String kindName) {
        super(store);
        this.secrets = store;
        this.what = kindName + " Secrets in namespace " + namespace;
        this.informer = store.secrets().withLabels(store.ownLabels()).runnableInformer(0);
        informer.addEventHandler(new Copy());
        informer.exceptionHandler((started, t) -> {
            String why = t instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)
                    ? "the bridge's service account may not list/watch Secrets (apply the Role in "
                    + "oidc-bridge/server/src/main/resources/kubernetes/oidc-bridge-rbac.yaml, or set "
                    + "greenshank.bridge.sessions.watch=false)" : t.toString();
            LOG.warnf("watch on %s: %s (retrying; meanwhile every poll asks the API server)", what, why);
            return true;
        });
        informer.start().whenComplete((ok, t) -> {
            if (t == null) {
                LOG.infof("watching %s (%d present)", what, seen.size());
            }
        });
    }

    /** Whether the copy is listed and its watch is up, so that what it holds is current within the watch's latency. */
    public boolean current() {
        return informer.hasSynced() && informer.isWatching();
    }

    @Override
    public Optional<Stored<V>> peek(String key) {
        return current() ? Optional.ofNullable(seen.get(key)) : Optional.empty();
    }

    @Override
    public void close() {
        informer.close();
    }

    private final class Copy implements ResourceEventHandler<Secret> {
        @Override
        public void onAdd(Secret s) {
            put(s);
        }

        @Override
        public void onUpdate(Secret before, Secret after) {
            put(after);
        }

        @Override
        public void onDelete(Secret s, boolean finalStateUnknown) {
            seen.remove(secrets.keyOf(s));
        }

        private void put(Secret s) {
            String key = secrets.keyOf(s);
            // An unreadable value is absent from the copy too: the API server then answers for it (fail closed).
            secrets.decode(key, s).ifPresentOrElse(v -> seen.put(key, v), () -> seen.remove(key));
        }
    }
}
