package io.greenshank.authz.policy.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final KubernetesClient client;
    private final PolicyStore store;
    private final PolicyDocuments documents;
    private final ScheduledExecutorService scheduler;
    private final Duration batchDelay;
    private final Map<String, PolicyEntry> objects = new ConcurrentHashMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    public KubernetesPolicySource(KubernetesClient client, PolicyStore store, ScheduledExecutorService scheduler,
                                  Duration batchDelay) {
        this.client = client;
        this.store = store;
        this.documents = new PolicyDocuments(store.rootNamespace());
        this.scheduler = scheduler;
        this.batchDelay = batchDelay;
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural,
                                                     boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    public String id() {
        return "kubernetes";
    }

    /** Starts the informers and waits (bounded) for their first list, so the first generation is complete. */
    public void start(Duration resync, Duration initialSyncTimeout) {
        for (ResourceDefinitionContext ctx : KINDS) {
            var op = client.genericKubernetesResources(ctx);
            SharedIndexInformer<GenericKubernetesResource> informer = ctx.isNamespaceScoped()
                    ? op.inAnyNamespace().runnableInformer(resync.toMillis())
                    : op.runnableInformer(resync.toMillis());
            informer.addEventHandler(new Handler());
            informer.exceptionHandler((isStarted, t) -> {
                LOG.warnf("policy informer for %s: %s (retrying)", ctx.getPlural(), t.toString());
                return true;
            });
            informers.add(informer);
        }
        List<java.util.concurrent.CompletableFuture<Void>> started = new ArrayList<>();
        for (SharedIndexInformer<GenericKubernetesResource> i : informers) {
            started.add(i.start().toCompletableFuture());
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(started.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(initialSyncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("policy informers not synced after %s (%s); serving what is known", initialSyncTimeout, e);
        }
        // Handlers are notified asynchronously; the informers' caches already hold the full first list.
        for (SharedIndexInformer<GenericKubernetesResource> i : informers) {
            for (GenericKubernetesResource obj : i.getStore().list()) {
                JsonNode node = JSON.valueToTree(obj);
                PolicyEntry e = documents.parseNode(node, "kubernetes");
                if (e != null) {
                    objects.put(key(obj), e);
                }
            }
        }
        publish();
    }

    public boolean synced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
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
            objects.remove(key(obj));
            schedule();
        }
    }

    private void put(GenericKubernetesResource obj) {
        JsonNode node = JSON.valueToTree(obj);
        PolicyEntry e = documents.parseNode(node, "kubernetes");
        if (e != null) {
            objects.put(key(obj), e);
        } else {
            objects.remove(key(obj));
        }
        schedule();
    }

    private static String key(GenericKubernetesResource obj) {
        return obj.getApiVersion() + "/" + obj.getKind() + "/" + obj.getMetadata().getNamespace() + "/"
                + obj.getMetadata().getName();
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            scheduler.schedule(this::publish, batchDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void publish() {
        pending.set(false);
        store.replace(id(), new ArrayList<>(objects.values()));
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
