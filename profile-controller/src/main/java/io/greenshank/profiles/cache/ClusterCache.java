package io.greenshank.profiles.cache;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The informer-backed view of the cluster that both the reconciler and the sharing API read: Profiles, and the kinds
 * the controller manages in profile namespaces. RoleBindings are indexed by subject, so one user's bindings are a
 * map lookup rather than a scan of every namespace.
 */
public final class ClusterCache implements AutoCloseable {

    public static final String SUBJECT_INDEX = "subject";

    private final SubjectKeys keys;
    private final SharedIndexInformer<Profile> profiles;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<RoleBinding> roleBindings;
    private final SharedIndexInformer<ServiceAccount> serviceAccounts;
    private final SharedIndexInformer<ResourceQuota> resourceQuotas;
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> istio;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();

    public ClusterCache(KubernetesClient client, IstioSettings istioSettings, SubjectKeys keys, Duration resync) {
        this.keys = keys;
        long resyncMs = resync.toMillis();
        profiles = add(client.resources(Profile.class).runnableInformer(resyncMs));
        namespaces = add(client.namespaces().runnableInformer(0));
        roleBindings = client.rbac().roleBindings().inAnyNamespace().runnableInformer(0);
        roleBindings.addIndexers(Map.of(SUBJECT_INDEX, this::subjectKeys));
        add(roleBindings);
        serviceAccounts = add(client.serviceAccounts().inAnyNamespace().runnableInformer(0));
        resourceQuotas = add(client.resourceQuotas().inAnyNamespace().runnableInformer(0));
        java.util.LinkedHashMap<String, SharedIndexInformer<GenericKubernetesResource>> generic = new java.util.LinkedHashMap<>();
        if (istioSettings.model().authorizationPolicies()) {
            ResourceDefinitionContext ctx = IstioKinds.authorizationPolicy(istioSettings.authorizationPolicyVersion());
            generic.put(IstioKinds.KIND_AUTHORIZATION_POLICY, add(client.genericKubernetesResources(ctx).inAnyNamespace().runnableInformer(0)));
        }
        if (istioSettings.model().serviceRoles()) {
            generic.put(IstioKinds.KIND_SERVICE_ROLE,
                    add(client.genericKubernetesResources(IstioKinds.SERVICE_ROLE).inAnyNamespace().runnableInformer(0)));
            generic.put(IstioKinds.KIND_SERVICE_ROLE_BINDING,
                    add(client.genericKubernetesResources(IstioKinds.SERVICE_ROLE_BINDING).inAnyNamespace().runnableInformer(0)));
        }
        istio = Map.copyOf(generic);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
        all.add(informer);
        return informer;
    }

    private List<String> subjectKeys(RoleBinding rb) {
        if (rb.getSubjects() == null) {
            return List.of();
        }
        return rb.getSubjects().stream().map(keys::key).filter(Objects::nonNull).distinct().toList();
    }

    /**
     * Calls {@code onProfileTouched} with the profile name for every change that may need a reconcile: the profile
     * itself, its namespace, or any managed kind inside that namespace.
     */
    public void onChange(Consumer<String> onProfileTouched) {
        profiles.addEventHandler(handler(p -> onProfileTouched.accept(p.getMetadata().getName())));
        namespaces.addEventHandler(handler(ns -> {
            if (profiles.getStore().getByKey(ns.getMetadata().getName()) != null) {
                onProfileTouched.accept(ns.getMetadata().getName());
            }
        }));
        Consumer<HasMetadata> byNamespace = o -> {
            String ns = o.getMetadata().getNamespace();
            if (ns != null && profiles.getStore().getByKey(ns) != null) {
                onProfileTouched.accept(ns);
            }
        };
        roleBindings.addEventHandler(handler(byNamespace::accept));
        serviceAccounts.addEventHandler(handler(byNamespace::accept));
        resourceQuotas.addEventHandler(handler(byNamespace::accept));
        istio.values().forEach(i -> i.addEventHandler(handler(byNamespace::accept)));
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> c) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                c.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                c.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                c.accept(obj);
            }
        };
    }

    /** Starts every informer and waits until each has listed once. */
    public void start(Duration timeout) {
        CompletableFuture<?>[] started = all.stream().map(i -> i.start().toCompletableFuture()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(started).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("informers did not sync within " + timeout + ": " + e.getMessage(), e);
        }
    }

    public boolean synced() {
        return all.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public SubjectKeys keys() {
        return keys;
    }

    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.getStore().getByKey(name));
    }

    public List<Profile> profiles() {
        return profiles.getStore().list();
    }

    public List<String> profileNames() {
        return profiles.getStore().listKeys();
    }

    public Optional<Namespace> namespace(String name) {
        return Optional.ofNullable(namespaces.getStore().getByKey(name));
    }

    public Optional<RoleBinding> roleBinding(String namespace, String name) {
        return Optional.ofNullable(roleBindings.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public List<RoleBinding> roleBindingsIn(String namespace) {
        return roleBindings.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    /** Bindings naming this subject key ({@link SubjectKeys#userKey} / {@link SubjectKeys#groupKey}), any namespace. */
    public List<RoleBinding> roleBindingsOf(String subjectKey) {
        return roleBindings.getIndexer().byIndex(SUBJECT_INDEX, subjectKey);
    }

    /** For comparison only: the scan that the subject index replaces. */
    public List<RoleBinding> roleBindingsOfByScan(Subject subject) {
        String key = keys.key(subject);
        return roleBindings.getStore().list().stream().filter(rb -> subjectKeys(rb).contains(key)).toList();
    }

    public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
        return Optional.ofNullable(serviceAccounts.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public Optional<ResourceQuota> resourceQuota(String namespace, String name) {
        return Optional.ofNullable(resourceQuotas.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public Optional<GenericKubernetesResource> istio(String kind, String namespace, String name) {
        SharedIndexInformer<GenericKubernetesResource> i = istio.get(kind);
        if (i == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(i.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    @Override
    public void close() {
        all.forEach(SharedIndexInformer::close);
    }
}
