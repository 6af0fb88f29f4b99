package io.greenshank.profiles.reconcile;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.crd.ProfilePlugin;
import io.greenshank.profiles.crd.ProfileStatus;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioPolicies;
import io.greenshank.profiles.istio.IstioSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Makes the cluster match one Profile. Level-triggered and idempotent: it reads the current state from the
 * informer cache, writes only what differs, and may be called any number of times for the same profile.
 */
public final class ProfileReconciler {

    private static final Logger LOG = Logger.getLogger(ProfileReconciler.class);
    private static final Set<String> PLUGIN_ANNOTATIONS =
            Set.of(ManagedNames.GCP_SERVICE_ACCOUNT_ANNOTATION, ManagedNames.AWS_ROLE_ARN_ANNOTATION);

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final ControllerSettings settings;
    private final IstioPolicies istio;
    private final Clock clock;

    public ProfileReconciler(KubernetesClient client, ClusterCache cache, ControllerSettings settings, Clock clock) {
        this.client = client;
        this.cache = cache;
        this.settings = settings;
        this.istio = new IstioPolicies(settings.istio());
        this.clock = clock;
    }

    public ReconcileOutcome reconcile(String name) {
        Optional<Profile> cached = cache.profile(name);
        if (cached.isEmpty()) {
            return ReconcileOutcome.GONE;
        }
        Profile profile = cached.get();
        if (profile.isBeingDeleted()) {
            finalizeProfile(profile);
            return ReconcileOutcome.FINALIZED;
        }
        try {
            if (!profile.hasFinalizer()) {
                addFinalizer(profile);
            }
            Subject owner = profile.getSpec() == null ? null : profile.getSpec().owner();
            if (owner == null || owner.getName() == null || owner.getName().isBlank() || owner.getKind() == null) {
                writeReady(profile, false, ProfileCondition.INVALID_SPEC, "spec.owner must name a User or Group");
                return ReconcileOutcome.BLOCKED;
            }
            Optional<String> otherOwner = ensureNamespace(profile, owner);
            if (otherOwner.isPresent()) {
                writeReady(profile, false, ProfileCondition.NAMESPACE_OWNED_BY_OTHER,
                        "namespace " + name + " already exists and is owned by " + otherOwner.get()
                                + "; it is left untouched");
                return ReconcileOutcome.BLOCKED;
            }
            ensureOwnerBinding(profile, owner);
            ensureServiceAccounts(profile);
            ensureResourceQuota(profile);
            ensureIstio(profile, owner);
            writeReady(profile, true, ProfileCondition.RECONCILED, "namespace and access objects are in place");
            return ReconcileOutcome.READY;
        } catch (KubernetesClientException e) {
            String reason = "API server answered " + e.getCode() + ": " + e.getMessage();
            try {
                writeReady(profile, false, ProfileCondition.RECONCILE_FAILED, reason);
            } catch (KubernetesClientException statusFailure) {
                LOG.debugf("could not record failure on profile %s: %s", name, statusFailure.getMessage());
            }
            throw e;
        }
    }

    // ---- namespace -------------------------------------------------------------------------------------------

    /** Creates or repairs the namespace; returns the other owner when the namespace is not this profile's. */
    private Optional<String> ensureNamespace(Profile profile, Subject owner) {
        String name = profile.getMetadata().getName();
        Optional<Namespace> current = cache.namespace(name);
        if (current.isEmpty()) {
            Namespace ns = new NamespaceBuilder()
                    .withMetadata(new ObjectMetaBuilder()
                            .withName(name)
                            .withAnnotations(Map.of(ManagedNames.OWNER_ANNOTATION, owner.getName()))
                            .withLabels(settings.labels().applyTo(Map.of()))
                            .withOwnerReferences(profile.ownerReference())
                            .build())
                    .build();
            Namespace created = createOrGet(client.namespaces().resource(ns), ns);
            if (created == ns) {
                return Optional.empty();
            }
            current = Optional.of(created);
        }
        Namespace ns = current.get();
        boolean ours = hasOwner(ns, profile);
        String annotated = annotations(ns).get(ManagedNames.OWNER_ANNOTATION);
        if (!ours && !Objects.equals(annotated, owner.getName())) {
            return Optional.of(annotated == null ? "someone else (no owner annotation)" : annotated);
        }
        Map<String, String> labels = settings.labels().applyTo(ns.getMetadata().getLabels());
        boolean upToDate = ours && Objects.equals(annotated, owner.getName())
                && labels.equals(ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels());
        if (!upToDate) {
            Namespace updated = copy(ns);
            updated.getMetadata().setLabels(labels);
            updated.getMetadata().setAnnotations(with(annotations(ns), ManagedNames.OWNER_ANNOTATION, owner.getName()));
            updated.getMetadata().setOwnerReferences(withOwner(ns.getMetadata().getOwnerReferences(), profile));
            client.namespaces().resource(updated).update();
        }
        return Optional.empty();
    }

    // ---- RBAC and service accounts ---------------------------------------------------------------------------

    private void ensureOwnerBinding(Profile profile, Subject owner) {
        String ns = profile.getMetadata().getName();
        RoleBinding desired = roleBinding(profile, ManagedNames.OWNER_ROLE_BINDING,
                Map.of(ManagedNames.USER_ANNOTATION, owner.getName(), ManagedNames.ROLE_ANNOTATION, "admin"),
                ManagedNames.ADMIN_CLUSTER_ROLE, rbacSubject(owner));
        ensureRoleBinding(ns, desired);
    }

    private void ensureServiceAccounts(Profile profile) {
        String ns = profile.getMetadata().getName();
        Map<String, String> pluginAnnotations = pluginAnnotations(profile);
        ensureServiceAccount(profile, ManagedNames.EDITOR_SERVICE_ACCOUNT, pluginAnnotations);
        ensureServiceAccount(profile, ManagedNames.VIEWER_SERVICE_ACCOUNT, Map.of());
        ensureRoleBinding(ns, roleBinding(profile, ManagedNames.EDITOR_SERVICE_ACCOUNT, Map.of(),
                ManagedNames.EDIT_CLUSTER_ROLE, serviceAccountSubject(ns, ManagedNames.EDITOR_SERVICE_ACCOUNT)));
        ensureRoleBinding(ns, roleBinding(profile, ManagedNames.VIEWER_SERVICE_ACCOUNT, Map.of(),
                ManagedNames.VIEW_CLUSTER_ROLE, serviceAccountSubject(ns, ManagedNames.VIEWER_SERVICE_ACCOUNT)));
    }

    /**
     * The cloud-identity plugins, as annotations on {@code default-editor}. Greenshank does not call cloud IAM APIs;
     * the matching IAM trust policy is the operator's to set up.
     */
    static Map<String, String> pluginAnnotations(Profile profile) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ProfilePlugin plugin : profile.getSpec().pluginsOrEmpty()) {
            if (ProfilePlugin.WORKLOAD_IDENTITY.equals(plugin.kind())) {
                plugin.stringField("gcpServiceAccount")
                        .ifPresent(v -> out.put(ManagedNames.GCP_SERVICE_ACCOUNT_ANNOTATION, v));
            } else if (ProfilePlugin.AWS_IAM_FOR_SERVICE_ACCOUNT.equals(plugin.kind())) {
                plugin.stringField("awsIamRole").ifPresent(v -> out.put(ManagedNames.AWS_ROLE_ARN_ANNOTATION, v));
            }
        }
        return out;
    }

    private void ensureServiceAccount(Profile profile, String name, Map<String, String> pluginAnnotations) {
        String ns = profile.getMetadata().getName();
        ServiceAccount desired = new ServiceAccountBuilder()
                .withMetadata(meta(profile, name, pluginAnnotations)).build();
        Optional<ServiceAccount> current = cache.serviceAccount(ns, name);
        ServiceAccount existing = current.orElseGet(() -> createOrGet(client.serviceAccounts().inNamespace(ns).resource(desired), desired));
        if (existing == desired) {
            return;
        }
        Map<String, String> annotations = new HashMap<>(annotations(existing));
        annotations.keySet().removeIf(k -> PLUGIN_ANNOTATIONS.contains(k) && !pluginAnnotations.containsKey(k));
        annotations.putAll(pluginAnnotations);
        if (!annotations.equals(annotations(existing)) || !hasOwner(existing, profile)) {
            ServiceAccount updated = copy(existing);
            updated.getMetadata().setAnnotations(annotations);
            updated.getMetadata().setOwnerReferences(withOwner(existing.getMetadata().getOwnerReferences(), profile));
            client.serviceAccounts().inNamespace(ns).resource(updated).update();
        }
    }

    private void ensureRoleBinding(String ns, RoleBinding desired) {
        String name = desired.getMetadata().getName();
        Optional<RoleBinding> current = cache.roleBinding(ns, name);
        Resource<RoleBinding> resource = client.rbac().roleBindings().inNamespace(ns).resource(desired);
        RoleBinding existing = current.orElseGet(() -> createOrGet(resource, desired));
        if (existing == desired) {
            return;
        }
        if (!Objects.equals(existing.getRoleRef(), desired.getRoleRef())) {
            // roleRef is immutable in Kubernetes: replace the binding.
            client.rbac().roleBindings().inNamespace(ns).withName(name).delete();
            client.rbac().roleBindings().inNamespace(ns).resource(desired).create();
            return;
        }
        updateIfDrifted(existing, desired, (e, d) -> Objects.equals(e.getSubjects(), d.getSubjects()), e -> {
            e.setSubjects(desired.getSubjects());
            return e;
        }, r -> client.rbac().roleBindings().inNamespace(ns).resource(r));
    }

    // ---- quota ---------------------------------------------------------------------------------------------

    private void ensureResourceQuota(Profile profile) {
        String ns = profile.getMetadata().getName();
        Optional<ResourceQuota> current = cache.resourceQuota(ns, ManagedNames.RESOURCE_QUOTA);
        if (profile.getSpec().hardQuota().isEmpty()) {
            if (current.isPresent()) {
                client.resourceQuotas().inNamespace(ns).withName(ManagedNames.RESOURCE_QUOTA).delete();
            }
            return;
        }
        ResourceQuotaSpec spec = profile.getSpec().resourceQuotaSpec();
        ResourceQuota desired = new ResourceQuotaBuilder()
                .withMetadata(meta(profile, ManagedNames.RESOURCE_QUOTA, Map.of()))
                .withSpec(spec).build();
        ResourceQuota existing = current.orElseGet(() -> createOrGet(client.resourceQuotas().inNamespace(ns).resource(desired), desired));
        if (existing == desired) {
            return;
        }
        updateIfDrifted(existing, desired, (e, d) -> Objects.equals(e.getSpec(), d.getSpec()), e -> {
            e.setSpec(spec);
            return e;
        }, r -> client.resourceQuotas().inNamespace(ns).resource(r));
    }

    // ---- Istio -----------------------------------------------------------------------------------------------

    private void ensureIstio(Profile profile, Subject owner) {
        String ns = profile.getMetadata().getName();
        IstioSettings is = settings.istio();
        ObjectMeta ownerMeta = meta(profile, "", Map.of(ManagedNames.USER_ANNOTATION, owner.getName(),
                ManagedNames.ROLE_ANNOTATION, "admin"));
        if (is.model().authorizationPolicies()) {
            ensureGeneric(IstioKinds.authorizationPolicy(is.authorizationPolicyVersion()), IstioKinds.KIND_AUTHORIZATION_POLICY,
                    istio.ownerAuthorizationPolicy(ns, owner, ownerMeta));
        }
        if (is.model().serviceRoles()) {
            ensureGeneric(IstioKinds.SERVICE_ROLE, IstioKinds.KIND_SERVICE_ROLE,
                    istio.legacyServiceRole(ns, meta(profile, "", Map.of())));
            ensureGeneric(IstioKinds.SERVICE_ROLE_BINDING, IstioKinds.KIND_SERVICE_ROLE_BINDING,
                    istio.legacyOwnerBinding(ns, owner, ownerMeta));
        }
        alignContributorPolicies(profile);
    }

    /**
     * Contributors' policies are written by the sharing API. One written under other settings (an older default's
     * gateway principals, say) is brought in line here, in place, under its own name. None is created here: a
     * policy whose RoleBinding is being removed must not come back.
     */
    private void alignContributorPolicies(Profile profile) {
        String ns = profile.getMetadata().getName();
        IstioSettings is = settings.istio();
        for (RoleBinding rb : cache.roleBindingsIn(ns)) {
            Optional<Subject> contributor = contributorOf(rb);
            if (contributor.isEmpty()) {
                continue;
            }
            String name = rb.getMetadata().getName();
            ObjectMeta m = meta(profile, name, Map.of(
                    ManagedNames.USER_ANNOTATION, rb.getMetadata().getAnnotations().get(ManagedNames.USER_ANNOTATION),
                    ManagedNames.ROLE_ANNOTATION, rb.getMetadata().getAnnotations().get(ManagedNames.ROLE_ANNOTATION)));
            if (is.model().authorizationPolicies()) {
                alignIfPresent(IstioKinds.authorizationPolicy(is.authorizationPolicyVersion()),
                        IstioKinds.KIND_AUTHORIZATION_POLICY,
                        istio.contributorAuthorizationPolicy(name, ns, contributor.get(), m));
            }
            if (is.model().serviceRoles()) {
                alignIfPresent(IstioKinds.SERVICE_ROLE_BINDING, IstioKinds.KIND_SERVICE_ROLE_BINDING,
                        istio.legacyServiceRoleBinding(name, ns, contributor.get(), m));
            }
        }
    }

    /** A contributor's RoleBinding as the sharing API writes it: annotated, one person, a Kubeflow ClusterRole. */
    private static Optional<Subject> contributorOf(RoleBinding rb) {
        Map<String, String> a = rb.getMetadata().getAnnotations();
        if (ManagedNames.OWNER_ROLE_BINDING.equals(rb.getMetadata().getName()) || a == null
                || !a.containsKey(ManagedNames.USER_ANNOTATION) || !a.containsKey(ManagedNames.ROLE_ANNOTATION)
                || rb.getRoleRef() == null || !"ClusterRole".equals(rb.getRoleRef().getKind())
                || !ManagedNames.KUBEFLOW_CLUSTER_ROLES.contains(rb.getRoleRef().getName())
                || rb.getSubjects() == null || rb.getSubjects().size() != 1) {
            return Optional.empty();
        }
        Subject s = rb.getSubjects().get(0);
        return "User".equals(s.getKind()) || "Group".equals(s.getKind()) ? Optional.of(s) : Optional.empty();
    }

    private void alignIfPresent(ResourceDefinitionContext ctx, String kind, GenericKubernetesResource desired) {
        String ns = desired.getMetadata().getNamespace();
        Optional<GenericKubernetesResource> current = cache.istio(kind, ns, desired.getMetadata().getName());
        if (current.isEmpty()) {
            return;
        }
        Object spec = desired.getAdditionalProperties().get("spec");
        try {
            updateIfDrifted(current.get(), desired,
                    (e, d) -> Objects.equals(e.getAdditionalProperties().get("spec"), spec), e -> {
                        e.getAdditionalProperties().put("spec", spec);
                        return e;
                    }, r -> client.genericKubernetesResources(ctx).inNamespace(ns).resource(r));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            // removed by the sharing API meanwhile: nothing to align
        }
    }

    private void ensureGeneric(ResourceDefinitionContext ctx, String kind, GenericKubernetesResource desired) {
        String ns = desired.getMetadata().getNamespace();
        Optional<GenericKubernetesResource> current = cache.istio(kind, ns, desired.getMetadata().getName());
        Function<GenericKubernetesResource, Resource<GenericKubernetesResource>> resource =
                r -> client.genericKubernetesResources(ctx).inNamespace(ns).resource(r);
        GenericKubernetesResource existing = current.orElseGet(() -> createOrGet(resource.apply(desired), desired));
        if (existing == desired) {
            return;
        }
        Object spec = desired.getAdditionalProperties().get("spec");
        updateIfDrifted(existing, desired,
                (e, d) -> Objects.equals(e.getAdditionalProperties().get("spec"), spec), e -> {
                    e.getAdditionalProperties().put("spec", spec);
                    return e;
                }, resource);
    }

    // ---- deletion and status -----------------------------------------------------------------------------------

    private void finalizeProfile(Profile profile) {
        String name = profile.getMetadata().getName();
        Optional<Namespace> ns = cache.namespace(name);
        boolean ours = ns.isPresent() && hasOwner(ns.get(), profile);
        if (ours) {
            // Garbage collection would do this too; deleting explicitly keeps clusters without GC (and the
            // embedded API server) from keeping the namespace forever.
            client.namespaces().withName(name).delete();
        }
        List<String> finalizers = profile.getMetadata().getFinalizers();
        int index = finalizers == null ? -1 : finalizers.indexOf(Profile.FINALIZER);
        if (index >= 0) {
            // A JSON patch with a test: removes exactly our entry, and fails rather than removing someone else's.
            String path = "/metadata/finalizers/" + index;
            jsonPatch(name, List.of(
                    Map.of("op", "test", "path", path, "value", Profile.FINALIZER),
                    Map.of("op", "remove", "path", path)));
        }
        LOG.infof("profile %s finalized; namespace %s", name, ours ? "deleted" : "not owned by it, kept");
    }

    private void addFinalizer(Profile profile) {
        String name = profile.getMetadata().getName();
        if (profile.getMetadata().getFinalizers() == null || profile.getMetadata().getFinalizers().isEmpty()) {
            jsonPatch(name, List.of(Map.of("op", "add", "path", "/metadata/finalizers", "value", List.of(Profile.FINALIZER))));
        } else {
            jsonPatch(name, List.of(Map.of("op", "add", "path", "/metadata/finalizers/-", "value", Profile.FINALIZER)));
        }
    }

    private void jsonPatch(String name, List<Map<String, Object>> ops) {
        client.resources(Profile.class).withName(name)
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
    }

    private void writeReady(Profile profile, boolean ready, String reason, String message) {
        ProfileStatus status = profile.getStatus() == null ? new ProfileStatus(List.of()) : profile.getStatus();
        Optional<ProfileCondition> previous = status.condition(ProfileCondition.READY);
        String state = ready ? "True" : "False";
        ProfileCondition next = new ProfileCondition(ProfileCondition.READY, state, reason, message,
                previous.filter(p -> state.equals(p.status())).map(ProfileCondition::lastTransitionTime)
                        .orElse(Instant.now(clock).toString()),
                profile.getMetadata().getGeneration());
        if (next.sameAs(previous.orElse(null))) {
            return;
        }
        List<ProfileCondition> conditions = new ArrayList<>(status.conditions());
        conditions.removeIf(c -> ProfileCondition.READY.equals(c.type()));
        conditions.add(next);
        // A JSON patch replaces the list as a whole; merge patches of lists are not portable across servers.
        List<Map<String, Object>> patch = List.of(Map.of("op", "add", "path", "/status",
                "value", Map.of("conditions", conditions)));
        client.resources(Profile.class).withName(profile.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(patch));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private <T extends HasMetadata> void updateIfDrifted(T existing, T desired, BiPredicate<T, T> bodyMatches,
            UnaryOperator<T> repairBody, Function<T, Resource<T>> resource) {
        Map<String, String> wantedAnnotations = annotations(desired);
        Map<String, String> have = annotations(existing);
        boolean annotationsOk = wantedAnnotations.entrySet().stream()
                .allMatch(e -> e.getValue().equals(have.get(e.getKey())));
        if (annotationsOk && bodyMatches.test(existing, desired) && ownedBySame(existing, desired)) {
            return;
        }
        T updated = repairBody.apply(copy(existing));
        Map<String, String> merged = new HashMap<>(have);
        merged.putAll(wantedAnnotations);
        updated.getMetadata().setAnnotations(merged);
        List<OwnerReference> refs = new ArrayList<>(nullToEmpty(existing.getMetadata().getOwnerReferences()));
        for (OwnerReference r : nullToEmpty(desired.getMetadata().getOwnerReferences())) {
            if (refs.stream().noneMatch(x -> Objects.equals(x.getUid(), r.getUid()))) {
                refs.add(r);
            }
        }
        updated.getMetadata().setOwnerReferences(refs);
        resource.apply(updated).update();
    }

    private static boolean ownedBySame(HasMetadata existing, HasMetadata desired) {
        return nullToEmpty(desired.getMetadata().getOwnerReferences()).stream().allMatch(r ->
                nullToEmpty(existing.getMetadata().getOwnerReferences()).stream().anyMatch(x -> Objects.equals(x.getUid(), r.getUid())));
    }

    /** Creates the object; if it already exists (the cache was behind), returns the server's copy instead. */
    private static <T extends HasMetadata> T createOrGet(Resource<T> resource, T desired) {
        try {
            resource.create();
            return desired;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            T existing = resource.get();
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    private RoleBinding roleBinding(Profile profile, String name, Map<String, String> annotations, String clusterRole,
            Subject subject) {
        return new RoleBindingBuilder()
                .withMetadata(meta(profile, name, annotations))
                .withRoleRef(new RoleRef(ManagedNames.RBAC_GROUP, "ClusterRole", clusterRole))
                .withSubjects(subject)
                .build();
    }

    private static Subject rbacSubject(Subject owner) {
        String apiGroup = owner.getApiGroup() == null || owner.getApiGroup().isEmpty() ? ManagedNames.RBAC_GROUP : owner.getApiGroup();
        return new Subject(apiGroup, owner.getKind(), owner.getName(), owner.getNamespace());
    }

    private static Subject serviceAccountSubject(String ns, String name) {
        return new Subject(null, "ServiceAccount", name, ns);
    }

    private static ObjectMeta meta(Profile profile, String name, Map<String, String> annotations) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(profile.getMetadata().getName())
                .withAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations))
                .withOwnerReferences(profile.ownerReference())
                .build();
    }

    private <T extends HasMetadata> T copy(T obj) {
        return client.getKubernetesSerialization().clone(obj);
    }

    static boolean hasOwner(HasMetadata obj, Profile profile) {
        return nullToEmpty(obj.getMetadata().getOwnerReferences()).stream()
                .anyMatch(r -> Objects.equals(r.getUid(), profile.getMetadata().getUid()));
    }

    private static List<OwnerReference> withOwner(List<OwnerReference> refs, Profile profile) {
        List<OwnerReference> out = new ArrayList<>(nullToEmpty(refs));
        if (out.stream().noneMatch(r -> Objects.equals(r.getUid(), profile.getMetadata().getUid()))) {
            out.add(profile.ownerReference());
        }
        return out;
    }

    private static Map<String, String> annotations(HasMetadata obj) {
        Map<String, String> a = obj.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    private static Map<String, String> with(Map<String, String> map, String k, String v) {
        Map<String, String> out = new HashMap<>(map);
        out.put(k, v);
        return out;
    }

    private static <T> List<T> nullToEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
