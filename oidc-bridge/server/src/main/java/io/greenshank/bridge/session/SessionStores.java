package io.greenshank.bridge.session;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Opens the configured store for each kind of session value, and sweeps expired values from all of them. */
@ApplicationScoped
public class SessionStores {

    private static final Logger LOG = Logger.getLogger(SessionStores.class);

    private final SessionsConfig config;
    private final Instance<KubernetesClient> kubernetes;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final List<SessionStore<?>> opened = new CopyOnWriteArrayList<>();
    private final List<WatchedSecretSessionStore<?>> watched = new CopyOnWriteArrayList<>();
    private KubernetesClient client;
    private String namespace;
    private ScheduledExecutorService timer;

    public SessionStores(SessionsConfig config, Instance<KubernetesClient> kubernetes, MeterRegistry metrics,
                         Clock clock) {
        this.config = config;
        this.kubernetes = kubernetes;
        this.metrics = metrics;
        this.clock = clock;
    }

    public <V> SessionStore<V> open(SessionKind<V> kind) {
        return metered(kind, switch (config.store()) {
            case "memory" -> new MemorySessionStore<>(kind);
            case "kubernetes" -> new SecretSessionStore<>(kubernetesClient(), namespace, kind);
            default -> throw unknownStore();
        });
    }

    /**
     * As {@link #open}, and with the {@code kubernetes} store a watch keeps a copy of the kind's Secrets in this
     * process, so {@link SessionStore#peek} answers without a request (device-code polls). Costs the RBAC verb
     * {@code watch} on Secrets and one watch connection per replica; worth it only for a kind read far more often than
     * it changes. With {@code sessions.watch=false} the same as {@link #open}.
     */
    public <V> SessionStore<V> openWatched(SessionKind<V> kind) {
        if (!config.watch()) {
            return open(kind);
        }
        return metered(kind, switch (config.store()) {
            case "memory" -> new MemorySessionStore<>(kind);
            case "kubernetes" -> {
                WatchedSecretSessionStore<V> w = new WatchedSecretSessionStore<>(
                        new SecretSessionStore<>(kubernetesClient(), namespace, kind), namespace, kind.name());
                watched.add(w);
                yield w;
            }
            default -> throw unknownStore();
        });
    }

    private IllegalArgumentException unknownStore() {
        return new IllegalArgumentException(
                "greenshank.bridge.sessions.store must be memory or kubernetes, not " + config.store());
    }

    private <V> SessionStore<V> metered(SessionKind<V> kind, SessionStore<V> store) {
        SessionStore<V> metered = new MeteredSessionStore<>(store, kind, metrics);
        opened.add(metered);
        return metered;
    }

    private synchronized KubernetesClient kubernetesClient() {
        if (client == null) {
            KubernetesClient base = kubernetes.get();
            namespace = config.namespace().orElse(base.getNamespace());
            if (namespace == null || namespace.isBlank()) {
                throw new IllegalStateException("greenshank.bridge.sessions.store=kubernetes needs a namespace: set "
                        + "greenshank.bridge.sessions.namespace or run in a pod");
            }
            client = SecretSessionStore.boundedClient(base, config.timeout());
            LOG.infof("sessions kept in Secrets in namespace %s", namespace);
        }
        return client;
    }

    void start(@Observes StartupEvent ev) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenshank-session-sweep");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.sweepInterval().toMillis());
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** One sweep of every store; a failure is logged and the next tick retries. */
    void sweep() {
        for (SessionStore<?> s : opened) {
            try {
                int n = s.sweep(clock.instant());
                if (n > 0) {
                    LOG.debugf("swept %d expired session value(s)", n);
                }
            } catch (SessionStoreUnavailableException e) {
                LOG.warnf("session sweep skipped: %s", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf("session sweep failed: %s", e.toString());
            }
        }
    }

    synchronized void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
        watched.forEach(WatchedSecretSessionStore::close);
        if (client != null) {
            client.close();
        }
    }
}
