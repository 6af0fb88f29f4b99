package io.greenshank.authz.policy.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Policies from the Kubernetes API through fabric8 informers (list, then watch; the informer relists by itself when
 * a watch expires). Events are batched: a burst of changes becomes one new generation.
 */
public final class KubernetesPolicySource implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubernetesPolicySource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final List<ResourceDefinitionContext> KINDS = List.of(
            context("security.istio.io", "v1beta1", "AuthorizationPolicy", "authorizationpolicies", true),
            context("rbac.istio.io", "v1alpha1", "ServiceRole", "serviceroles", true),
            context("rbac.istio.io", "v1alpha1", "ServiceRoleBinding", "servicerolebindings", true),
            context("rbac.istio.io", "v1alpha1", "ClusterRbacConfig", "clusterrbacconfigs", false));

    /** The longest a burst of changes waits for a quiet {@code batchDelay}, in batch delays. */
    static final int MAX_BATCH_DELAYS = 10;

    private final KubernetesClient client;
    private final PolicyStore store;
    private final PolicyDocuments documents;
    private final ScheduledExecutorService scheduler;
    private final Duration batchDelay;
    private final Duration absentRecheck;
    private final Map<String, PolicyEntry> objects = new ConcurrentHashMap<>();
    /** Guards {@link #objects} changes against a publish's snapshot, and the batch state below. */
    private final Object batch = new Object();
    private boolean pending;
    private long lastChangeNanos;
    private long firstPendingNanos;
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    /** Kinds the API server does not serve (their CRD is not installed): synced and empty until they appear. */
    private final Set<String> absent = ConcurrentHashMap.newKeySet();
    private volatile Duration resync = Duration.ofMinutes(10);
    private volatile boolean started;
    private volatile boolean closed;

    public KubernetesPolicySource(KubernetesClient client, PolicyStore store, ScheduledExecutorService scheduler,
                                  Duration batchDelay, Duration absentRecheck) {
        this.client = client;
        this.store = store;
        this.documents = new PolicyDocuments(store.rootNamespace());
        this.scheduler = scheduler;
        this.batchDelay = batchDelay;
        this.absentRecheck = absentRecheck;
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural,
                                                     boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    /** The name kubectl and RBAC use for a kind, e.g. {@code serviceroles.rbac.istio.io}. */
    public static String name(ResourceDefinitionContext ctx) {
        return ctx.getPlural() + "." + ctx.getGroup();
    }

    public String id() {
        return "kubernetes";
    }

    /**
     * Starts the informers and waits (bounded) for their first list, so the first generation is complete. A kind
     * whose list answers 404 has no CRD in this cluster (the rbac.istio.io kinds are gone from Istio 1.6 on): it is
     * counted as synced and empty, and looked for again every {@code absentRecheck}.
     */
    public void start(Duration resync, Duration initialSyncTimeout) {
        this.resync = resync;
        List<CompletableFuture<Void>> firstLists = new ArrayList<>();
        for (ResourceDefinitionContext ctx : KINDS) {
            if (served(ctx)) {
                firstLists.add(watch(ctx));
            } else {
                absent.add(name(ctx));
                LOG.infof("%s is not served by the API server (no such CRD): treated as empty, looked for again "
                        + "every %s", name(ctx), absentRecheck);
            }
        }
        try {
            CompletableFuture.allOf(firstLists.toArray(CompletableFuture[]::new))
                    .get(initialSyncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("policy informers not synced after %s (%s); serving what is known", initialSyncTimeout, e);
        }
        // Handlers are notified asynchronously; the informers' caches already hold the full first list.
        for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
            for (GenericKubernetesResource obj : i.getStore().list()) {
                PolicyEntry e = documents.parseNode(JSON.valueToTree(obj), "kubernetes");
                if (e != null) {
                    objects.put(key(obj), e);
                }
            }
        }
        publish();
        started = true;
        long every = Math.max(100, absentRecheck.toMillis());
        scheduler.scheduleWithFixedDelay(this::lookForAbsentKinds, every, every, TimeUnit.MILLISECONDS);
    }

    /** False only when the list answers 404; any other failure is left to the informer, which retries. */
    private boolean served(ResourceDefinitionContext ctx) {
        try {
            ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
            if (ctx.isNamespaceScoped()) {
                client.genericKubernetesResources(ctx).inAnyNamespace().list(one);
            } else {
                client.genericKubernetesResources(ctx).list(one);
            }
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            LOG.warnf("listing %s failed: %s (the informer retries)", name(ctx), e.getMessage());
            return true;
        }
    }

    private CompletableFuture<Void> watch(ResourceDefinitionContext ctx) {
        var op = client.genericKubernetesResources(ctx);
        SharedIndexInformer<GenericKubernetesResource> informer = ctx.isNamespaceScoped()
                ? op.inAnyNamespace().runnableInformer(resync.toMillis())
                : op.runnableInformer(resync.toMillis());
        informer.addEventHandler(new Handler());
        informer.exceptionHandler((isStarted, t) -> {
            LOG.warnf("policy informer for %s: %s (retrying)", name(ctx), t.toString());
            return true;
        });
        informers.put(name(ctx), informer);
        return informer.start().toCompletableFuture();
    }

    /** A kind that appears is counted absent until its informer's first list, so readiness does not flap. */
    private void lookForAbsentKinds() {
        for (ResourceDefinitionContext ctx : KINDS) {
            String name = name(ctx);
            if (closed || !absent.contains(name) || informers.containsKey(name) || !served(ctx)) {
                continue;
            }
            LOG.infof("%s is now served by the API server: watching it", name);
            watch(ctx).thenRun(() -> absent.remove(name));
        }
    }

    /** Every kind is either listed at least once or known not to be served. */
    public boolean synced() {
        return started && KINDS.stream().allMatch(ctx -> absent.contains(name(ctx))
                || (informers.containsKey(name(ctx)) && informers.get(name(ctx)).hasSynced()));
    }

    /** Kinds without a CRD in this cluster, by {@link #name}, in {@link #KINDS} order. */
    public List<String> absentKinds() {
        return KINDS.stream().map(KubernetesPolicySource::name).filter(absent::contains).toList();
    }

    public Duration absentRecheck() {
        return absentRecheck;
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource obj) {
            put(obj);
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            put(newObj);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            changed(key(obj), null);
        }
    }

    private void put(GenericKubernetesResource obj) {
        changed(key(obj), documents.parseNode(JSON.valueToTree(obj), "kubernetes"));
    }

    private static String key(GenericKubernetesResource obj) {
        return obj.getApiVersion() + "/" + obj.getKind() + "/" + obj.getMetadata().getNamespace() + "/"
                + obj.getMetadata().getName();
    }

    /**
     * Records a change ({@code entry} null: the object is gone or unreadable) and opens a batch if none is pending.
     * Under the batch lock, so that a publish either sees a change and the quiet period it restarts, or neither.
     */
    private void changed(String key, PolicyEntry entry) {
        synchronized (batch) {
            if (entry == null) {
                objects.remove(key);
            } else {
                objects.put(key, entry);
            }
            long now = System.nanoTime();
            lastChangeNanos = now;
            if (!pending) {
                pending = true;
                firstPendingNanos = now;
                scheduler.schedule(this::publishWhenQuiet, batchDelay.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Publishes once {@code batchDelay} has passed without a change, so changes less than {@code batchDelay} apart
     * (the objects of one {@code kubectl apply}) are one generation; a window fixed from the first change could close
     * between two of them and publish half of the set. Under uninterrupted churn it publishes at the latest
     * {@link #MAX_BATCH_DELAYS} × {@code batchDelay} after the first pending change.
     */
    private void publishWhenQuiet() {
        List<PolicyEntry> snapshot;
        synchronized (batch) {
            long now = System.nanoTime();
            long quietAt = lastChangeNanos + batchDelay.toNanos();
            long deadline = firstPendingNanos + MAX_BATCH_DELAYS * batchDelay.toNanos();
            if (now - quietAt < 0 && now - deadline < 0) {
                scheduler.schedule(this::publishWhenQuiet, Math.min(quietAt - now, deadline - now), TimeUnit.NANOSECONDS);
                return;
            }
            pending = false;
            snapshot = new ArrayList<>(objects.values());
        }
        store.replace(id(), snapshot);
    }

    private void publish() {
        List<PolicyEntry> snapshot;
        synchronized (batch) {
            snapshot = new ArrayList<>(objects.values());
        }
        store.replace(id(), snapshot);
    }

    @Override
    public void close() {
        closed = true;
        informers.values().forEach(SharedIndexInformer::close);
    }
}
