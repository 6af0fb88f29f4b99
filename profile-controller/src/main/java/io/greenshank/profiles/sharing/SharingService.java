package io.greenshank.profiles.sharing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.greenshank.identity.Identity;
import io.greenshank.identity.SpiffeId;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioPolicies;
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.reconcile.ManagedNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The profile-sharing operations behind the KFAM API: who may see and change which bindings, and the writes
 * themselves. A contributor is a RoleBinding plus its Istio policy, written together or not at all.
 */
public final class SharingService {

    private static final Logger LOG = Logger.getLogger(SharingService.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final SubjectKeys keys;
    private final SharingSettings settings;
    private final AccessReviewer reviewer;
    private final IstioPolicies istio;
    private final ContributorNames names;

    public SharingService(KubernetesClient client, ClusterCache cache, SharingSettings settings, AccessReviewer reviewer,
            IstioSettings istioSettings) {
        this.client = client;
        this.cache = cache;
        this.keys = cache.keys();
        this.settings = settings;
        this.reviewer = reviewer;
        this.istio = new IstioPolicies(istioSettings);
        this.names = new ContributorNames(keys);
    }

    // ---- who may do what ---------------------------------------------------------------------------------------

    public boolean isClusterAdmin(Identity who) {
        return settings.clusterAdmins().stream().anyMatch(a -> keys.sameUser(a, who.user()))
                || who.groups().stream().anyMatch(settings.clusterAdminGroups()::contains);
    }

    public boolean isClusterAdmin(String user) {
        return settings.clusterAdmins().stream().anyMatch(a -> keys.sameUser(a, user));
    }

    private boolean owns(Identity who, Profile profile) {
        Subject owner = profile.getSpec() == null ? null : profile.getSpec().owner();
        if (owner == null || owner.getName() == null) {
            return false;
        }
        return "Group".equals(owner.getKind()) ? who.inGroup(owner.getName()) : keys.sameUser(owner.getName(), who.user());
    }

    /** Owner, cluster admin, or someone Kubernetes lets create RoleBindings in the namespace. */
    private boolean mayManageContributors(Identity who, Profile profile) {
        return owns(who, profile) || isClusterAdmin(who) || (settings.subjectAccessReview() && reviewer.allowed(who,
                profile.getMetadata().getName(), "create", ManagedNames.RBAC_GROUP, "rolebindings", null));
    }

    private boolean mayDeleteProfile(Identity who, Profile profile) {
        return owns(who, profile) || isClusterAdmin(who) || (settings.subjectAccessReview() && reviewer.allowed(who,
                null, "delete", Profile.GROUP, Profile.PLURAL, profile.getMetadata().getName()));
    }

    private boolean isSubject(Identity who, Subject s) {
        if ("Group".equals(s.getKind())) {
            return who.inGroup(s.getName());
        }
        return "User".equals(s.getKind()) && keys.sameUser(s.getName(), who.user());
    }

    // ---- listing -------------------------------------------------------------------------------------------------

    /**
     * The bindings matching the filters that the caller may see: their own, those in profiles they own, all of them
     * for a cluster admin, and, when one namespace is asked for, those in a namespace RBAC lets them manage.
     */
    public List<Binding> list(Identity who, Optional<String> user, Optional<String> namespace, Optional<String> role) {
        return list(Optional.of(who), isClusterAdmin(who), user, namespace, role);
    }

    /**
     * A delegate's read: every binding matching the filters, as the central dashboard needs to list a namespace's
     * contributors without naming a user (api_workgroup.ts {@code getContributors}: {@code readBindings(undefined,
     * namespace)}). Read-only: a delegate never changes bindings.
     */
    public List<Binding> listForDelegate(Optional<String> user, Optional<String> namespace, Optional<String> role) {
        return list(Optional.empty(), true, user, namespace, role);
    }

    private List<Binding> list(Optional<Identity> caller, boolean admin, Optional<String> user, Optional<String> namespace,
            Optional<String> role) {
        Optional<ContributorRole> roleFilter = Optional.empty();
        if (role.isPresent()) {
            roleFilter = Optional.of(ContributorRole.parse(role.get())
                    .orElseThrow(() -> SharingException.badRequest("unknown role '" + role.get() + "': use admin, edit or view")));
        }
        Stream<RoleBinding> candidates;
        if (user.isPresent()) {
            List<RoleBinding> found = new ArrayList<>(cache.roleBindingsOf(keys.userKey(user.get())));
            caller.filter(who -> keys.sameUser(user.get(), who.user()))
                    .ifPresent(who -> who.groups().forEach(g -> found.addAll(cache.roleBindingsOf(keys.groupKey(g)))));
            candidates = found.stream();
        } else if (namespace.isPresent()) {
            candidates = cache.roleBindingsIn(namespace.get()).stream();
        } else {
            candidates = cache.profileNames().stream().flatMap(ns -> cache.roleBindingsIn(ns).stream());
        }
        Map<String, Boolean> manageable = new LinkedHashMap<>();
        Optional<ContributorRole> rf = roleFilter;
        return candidates
                .filter(rb -> namespace.map(ns -> ns.equals(rb.getMetadata().getNamespace())).orElse(true))
                .flatMap(rb -> toBindings(rb).stream())
                .filter(b -> user.map(u -> isUserOrCallerGroup(b.subject(), u, caller)).orElse(true))
                .filter(b -> rf.map(r -> r.shortName().equals(b.roleRef().getName())).orElse(true))
                .filter(b -> admin || caller.map(who -> isSubject(who, b.subject())
                        || manageable.computeIfAbsent(b.referredNamespace(), ns -> cache.profile(ns).map(p -> owns(who, p)
                                || (namespace.isPresent() && mayManageContributors(who, p))).orElse(false))).orElse(false))
                .distinct()
                .toList();
    }

    private boolean isUserOrCallerGroup(Subject s, String user, Optional<Identity> caller) {
        if ("User".equals(s.getKind())) {
            return keys.sameUser(s.getName(), user);
        }
        return caller.map(who -> keys.sameUser(user, who.user()) && who.inGroup(s.getName())).orElse(false);
    }

    /** A RoleBinding as KFAM bindings: one per person-subject, if it grants a Kubeflow role in a profile namespace. */
    private List<Binding> toBindings(RoleBinding rb) {
        String ns = rb.getMetadata().getNamespace();
        if (rb.getRoleRef() == null || !"ClusterRole".equals(rb.getRoleRef().getKind())
                || ContributorRole.ofClusterRole(rb.getRoleRef().getName()).isEmpty() || rb.getSubjects() == null
                || cache.profile(ns).isEmpty()) {
            return List.of();
        }
        String status = managed(rb) ? null : Binding.UNMANAGED;
        ContributorRole role = ContributorRole.ofClusterRole(rb.getRoleRef().getName()).orElseThrow();
        return rb.getSubjects().stream()
                .filter(s -> "User".equals(s.getKind()) || "Group".equals(s.getKind()))
                .map(s -> Binding.of(new Subject(s.getApiGroup(), s.getKind(), s.getName(), null), ns, role, status))
                .toList();
    }

    /** Made by the controller (the owner binding) or by a KFAM-compatible API (which annotates user and role). */
    private static boolean managed(RoleBinding rb) {
        Map<String, String> a = rb.getMetadata().getAnnotations();
        return ManagedNames.OWNER_ROLE_BINDING.equals(rb.getMetadata().getName())
                || (a != null && a.containsKey(ManagedNames.USER_ANNOTATION) && a.containsKey(ManagedNames.ROLE_ANNOTATION)
                && rb.getSubjects().size() == 1);
    }

    // ---- adding and removing contributors ------------------------------------------------------------------------

    /** Adds a contributor: the RoleBinding and its Istio policy, or neither. Idempotent; repairs a half pair. */
    public Binding add(Identity who, Binding request) {
        Contributor c = validate(request, keys);
        Profile profile = profileOrThrow(c.namespace());
        if (!mayManageContributors(who, profile)) {
            throw SharingException.forbidden(who.user() + " may not manage contributors of profile " + c.namespace()
                    + ": only its owner, a cluster admin, or someone allowed to create RoleBindings there");
        }
        String name = names.name(c.subject(), c.role());
        List<Runnable> undo = new ArrayList<>();
        // Always ask the API server, never the informer cache: right after a remove the cache may still show the
        // objects the remove deleted, and an add that believed it would answer 200 and grant nothing (src/e2e's
        // SoakTest found it). A create that finds the object present is a 409, which createIfAbsent takes as done.
        try {
            RoleBinding rb = new RoleBindingBuilder()
                    .withMetadata(meta(profile, name, c))
                    .withRoleRef(new RoleRef(ManagedNames.RBAC_GROUP, "ClusterRole", c.role().clusterRole()))
                    .withSubjects(c.subject())
                    .build();
            if (createIfAbsent(client.rbac().roleBindings().inNamespace(c.namespace()).resource(rb)::create)) {
                undo.add(() -> client.rbac().roleBindings().inNamespace(c.namespace()).withName(name).delete());
            }
            for (PolicyHalf half : policyHalves(profile, name, c)) {
                GenericKubernetesResource obj = half.object();
                if (createIfAbsent(client.genericKubernetesResources(half.context()).inNamespace(c.namespace()).resource(obj)::create)) {
                    undo.add(() -> client.genericKubernetesResources(half.context()).inNamespace(c.namespace()).withName(name).delete());
                }
            }
        } catch (KubernetesClientException e) {
            rollBack(undo, name);
            throw new SharingException(502, "could not add " + c.subject().getName() + " to " + c.namespace()
                    + " (API server answered " + e.getCode() + ": " + e.getMessage() + "); nothing was changed");
        }
        LOG.infof("%s added %s %s as %s of profile %s", who.user(), c.subject().getKind(), c.subject().getName(),
                c.role().shortName(), c.namespace());
        return Binding.of(c.subject(), c.namespace(), c.role(), null);
    }

    private void rollBack(List<Runnable> undo, String name) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (KubernetesClientException e) {
                LOG.errorf("rolling back %s failed (HTTP %d): a half-created contributor may remain; the next add or "
                        + "remove of the same contributor completes it", name, e.getCode());
            }
        }
    }

    /** Removes a contributor. Succeeds when one half is already gone; refuses bindings not made through the API. */
    public void remove(Identity who, Binding request) {
        Contributor c = validate(request, keys);
        Profile profile = profileOrThrow(c.namespace());
        if (!mayManageContributors(who, profile)) {
            throw SharingException.forbidden(who.user() + " may not manage contributors of profile " + c.namespace()
                    + ": only its owner, a cluster admin, or someone allowed to create RoleBindings there");
        }
        String key = keys.key(c.subject());
        List<RoleBinding> matching = cache.roleBindingsOf(key).stream()
                .filter(rb -> c.namespace().equals(rb.getMetadata().getNamespace()))
                .filter(rb -> rb.getRoleRef() != null && c.role().clusterRole().equals(rb.getRoleRef().getName()))
                .toList();
        for (RoleBinding rb : matching) {
            if (ManagedNames.OWNER_ROLE_BINDING.equals(rb.getMetadata().getName())) {
                throw SharingException.conflict("binding " + rb.getMetadata().getName() + " is the profile owner's; "
                        + "change spec.owner of the profile instead");
            }
            if (rb.getSubjects().size() > 1) {
                throw SharingException.conflict("binding " + rb.getMetadata().getName() + " in " + c.namespace()
                        + " grants " + rb.getSubjects().size() + " subjects; removing it would remove the others too: "
                        + "edit it with kubectl");
            }
            if (!managed(rb)) {
                throw SharingException.conflict("binding " + rb.getMetadata().getName() + " in " + c.namespace()
                        + " was made by hand, not through this API; remove it with kubectl");
            }
        }
        List<String> toDelete = new ArrayList<>(matching.stream().map(rb -> rb.getMetadata().getName()).toList());
        String ours = names.name(c.subject(), c.role());
        if (!toDelete.contains(ours)) {
            toDelete.add(ours);
        }
        boolean anything = false;
        try {
            for (String name : toDelete) {
                anything |= deleted(client.rbac().roleBindings().inNamespace(c.namespace()).withName(name).delete());
                for (PolicyHalf half : policyHalves(profile, name, c)) {
                    anything |= deleted(client.genericKubernetesResources(half.context()).inNamespace(c.namespace())
                            .withName(name).delete());
                }
            }
        } catch (KubernetesClientException e) {
            throw new SharingException(502, "could not remove " + c.subject().getName() + " from " + c.namespace()
                    + " (API server answered " + e.getCode() + ": " + e.getMessage() + "); retry to finish");
        }
        if (!anything) {
            throw SharingException.notFound(c.subject().getKind() + " " + c.subject().getName() + " has no "
                    + c.role().shortName() + " binding in " + c.namespace());
        }
        LOG.infof("%s removed %s %s as %s of profile %s", who.user(), c.subject().getKind(), c.subject().getName(),
                c.role().shortName(), c.namespace());
    }

    private static boolean deleted(List<?> details) {
        return details != null && !details.isEmpty();
    }

    record Contributor(Subject subject, String namespace, ContributorRole role) {
    }

    private record PolicyHalf(String kind, ResourceDefinitionContext context, GenericKubernetesResource object) {
    }

    private List<PolicyHalf> policyHalves(Profile profile, String name, Contributor c) {
        IstioSettings is = istio.settings();
        List<PolicyHalf> out = new ArrayList<>();
        ObjectMeta meta = meta(profile, name, c);
        if (is.model().authorizationPolicies()) {
            out.add(new PolicyHalf(IstioKinds.KIND_AUTHORIZATION_POLICY, IstioKinds.authorizationPolicy(is.authorizationPolicyVersion()),
                    istio.contributorAuthorizationPolicy(name, c.namespace(), c.subject(), meta)));
        }
        if (is.model().serviceRoles()) {
            out.add(new PolicyHalf(IstioKinds.KIND_SERVICE_ROLE_BINDING, IstioKinds.SERVICE_ROLE_BINDING,
                    istio.legacyServiceRoleBinding(name, c.namespace(), c.subject(), meta)));
        }
        return out;
    }

    private static ObjectMeta meta(Profile profile, String name, Contributor c) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(c.namespace())
                .withAnnotations(Map.of(ManagedNames.USER_ANNOTATION, c.subject().getName(),
                        ManagedNames.ROLE_ANNOTATION, c.role().shortName()))
                .withOwnerReferences(profile.ownerReference())
                .build();
    }

    /** Creates; true if this call created it, false if it already existed. */
    private static boolean createIfAbsent(Runnable create) {
        try {
            create.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** A KFAM request body read as a contributor (users named as {@code keys} writes them), or a 400 saying why not. */
    static Contributor validate(Binding b, SubjectKeys keys) {
        Subject person = b == null ? null : b.person();
        if (person == null || person.getName() == null || person.getName().isBlank()) {
            throw SharingException.badRequest("binding needs user (or subject) with kind and name");
        }
        String kind = person.getKind();
        if (!"User".equals(kind) && !"Group".equals(kind)) {
            throw SharingException.badRequest("user.kind must be User or Group, not '" + kind + "'");
        }
        if (b.referredNamespace() == null || b.referredNamespace().isBlank()) {
            throw SharingException.badRequest("binding needs referredNamespace");
        }
        if (b.roleRef() == null) {
            throw SharingException.badRequest("binding needs RoleRef.name (edit or view)");
        }
        ContributorRole role = ContributorRole.parse(b.roleRef().getName())
                .filter(r -> r != ContributorRole.ADMIN)
                .orElseThrow(() -> SharingException.badRequest("RoleRef.name must be edit or view (kubeflow-edit or "
                        + "kubeflow-view), not '" + b.roleRef().getName() + "'; the admin role belongs to the profile owner"));
        String name = person.getName().trim();
        return new Contributor(new Subject(ManagedNames.RBAC_GROUP, kind, "User".equals(kind) ? keys.normalizeUser(name) : name,
                null), b.referredNamespace(), role);
    }

    /**
     * The cache answers first; a miss is asked of the API server, because the informer lags a write by the watch
     * event's delay: a profile created a moment ago (by this API or kubectl) must not be a 404 to the next call
     * (src/e2e's SoakTest: create then delete answered "no profile named"). An API server that cannot answer is a 502.
     */
    private Profile profileOrThrow(String name) {
        Optional<Profile> cached = cache.profile(name);
        if (cached.isPresent()) {
            return cached.get();
        }
        Profile live;
        try {
            live = client.resources(Profile.class).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new SharingException(502, "could not read profile " + name + " (API server answered " + e.getCode()
                    + ": " + e.getMessage() + ")");
        }
        if (live == null) {
            throw SharingException.notFound("no profile named " + name);
        }
        return live;
    }

    // ---- profiles ------------------------------------------------------------------------------------------------

    /** Creates a profile; anyone for themselves, only a cluster admin for someone else. */
    public Profile createProfile(Identity who, Profile requested) {
        ProfileSpec spec = validProfile(requested);
        boolean forSelf = "User".equals(spec.owner().getKind()) && keys.sameUser(spec.owner().getName(), who.user());
        if (!forSelf && !isClusterAdmin(who)) {
            throw SharingException.forbidden(who.user() + " may create a profile only for themselves; creating one for "
                    + spec.owner().getName() + " needs a cluster admin");
        }
        return writeProfile(who.user(), requested, spec);
    }

    /**
     * A delegate creates a profile for the user its request names as owner, as the dashboard's registration does
     * (api_workgroup.ts {@code POST /create}: owner {@code {kind: 'User', name}}); a group owner needs a person.
     */
    public Profile createProfileFor(SpiffeId delegate, Profile requested) {
        ProfileSpec spec = validProfile(requested);
        if (!"User".equals(spec.owner().getKind())) {
            throw SharingException.forbidden(delegate.principal() + " may create profiles only for a User owner, not "
                    + spec.owner().getKind() + " " + spec.owner().getName() + "; a cluster admin can");
        }
        return writeProfile(delegate.principal() + " (delegated)", requested, spec);
    }

    private ProfileSpec validProfile(Profile requested) {
        if (requested == null || requested.getMetadata() == null || requested.getMetadata().getName() == null) {
            throw SharingException.badRequest("profile needs metadata.name");
        }
        String name = requested.getMetadata().getName();
        if (!DNS_LABEL.matcher(name).matches()) {
            throw SharingException.badRequest("profile name '" + name + "' is not a valid namespace name (RFC 1123 label)");
        }
        ProfileSpec spec = requested.getSpec();
        if (spec == null || spec.owner() == null || spec.owner().getName() == null || spec.owner().getName().isBlank()) {
            throw SharingException.badRequest("profile needs spec.owner.name");
        }
        if (!"User".equals(spec.owner().getKind()) && !"Group".equals(spec.owner().getKind())) {
            throw SharingException.badRequest("spec.owner.kind must be User or Group");
        }
        if ("User".equals(spec.owner().getKind())) {
            String owner = keys.normalizeUser(spec.owner().getName().trim());
            spec = new ProfileSpec(new Subject(spec.owner().getApiGroup(), "User", owner, spec.owner().getNamespace()),
                    spec.resourceQuotaSpec(), spec.plugins());
        }
        return spec;
    }

    /** Refuses a namespace someone else owns up front, by the reconciler's rule, rather than leaving a blocked Profile. */
    private Profile writeProfile(String actor, Profile requested, ProfileSpec spec) {
        String name = requested.getMetadata().getName();
        cache.namespace(name).ifPresent(ns -> {
            Map<String, String> a = ns.getMetadata().getAnnotations();
            String owner = a == null ? null : a.get(ManagedNames.OWNER_ANNOTATION);
            if (!spec.owner().getName().equals(owner)) {
                throw SharingException.conflict("namespace " + name + " already exists and belongs to "
                        + (owner == null ? "someone else (no owner annotation)" : owner) + "; choose another name");
            }
        });
        Profile p = new Profile(name, spec);
        if (requested.getMetadata().getLabels() != null) {
            p.getMetadata().setLabels(requested.getMetadata().getLabels());
        }
        if (requested.getMetadata().getAnnotations() != null) {
            p.getMetadata().setAnnotations(requested.getMetadata().getAnnotations());
        }
        try {
            Profile created = client.resource(p).create();
            LOG.infof("%s created profile %s for %s", actor, name, spec.owner().getName());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw SharingException.conflict("profile " + name + " already exists");
            }
            throw new SharingException(502, "could not create profile " + name + " (API server answered "
                    + e.getCode() + ": " + e.getMessage() + ")");
        }
    }

    public void deleteProfile(Identity who, String name) {
        Profile profile = profileOrThrow(name);
        if (!mayDeleteProfile(who, profile)) {
            throw SharingException.forbidden(who.user() + " may not delete profile " + name
                    + ": only its owner, a cluster admin, or someone RBAC allows to delete it");
        }
        try {
            client.resources(Profile.class).withName(name).delete();
        } catch (KubernetesClientException e) {
            throw new SharingException(502, "could not delete profile " + name + " (API server answered "
                    + e.getCode() + ": " + e.getMessage() + ")");
        }
        LOG.infof("%s deleted profile %s", who.user(), name);
    }

}
