package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.greenshank.authz.policy.source.KubernetesPolicySource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization renders; every rendered object is of a kind the tests can check and parses strictly into its
 * fabric8 model; the workloads carry the secure, observable shape the issue asks for; every name a pod refers to
 * exists; RBAC is the least the services need and equal to what the modules ship.
 */
class ManifestsTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;

    /** Kinds with a fabric8 model, parsed strictly. Istio kinds are checked by PoliciesTest. */
    static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
            Map.entry("Namespace", Namespace.class), Map.entry("ServiceAccount", ServiceAccount.class),
            Map.entry("ConfigMap", ConfigMap.class), Map.entry("Service", Service.class),
            Map.entry("Deployment", Deployment.class), Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("ClusterRole", ClusterRole.class), Map.entry("ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("Role", Role.class), Map.entry("RoleBinding", RoleBinding.class),
            Map.entry("CustomResourceDefinition", CustomResourceDefinition.class));
    static final Set<String> ISTIO = Set.of("AuthorizationPolicy", "PeerAuthentication");

    /** Secrets and ConfigMaps the user creates from deploy/base/oidc-bridge/secrets/ (never rendered). */
    static Map<String, HasMetadata> templates() throws Exception {
        Map<String, HasMetadata> out = new java.util.HashMap<>();
        try (Stream<Path> files = Files.list(Rendered.DEPLOY.resolve("base/oidc-bridge/secrets"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                HasMetadata o = Rendered.K8S.unmarshal(Rendered.read(f));
                assertThat(o).as(f.toString()).isInstanceOfAny(Secret.class, ConfigMap.class);
                assertStrict(o, f.toString());
                out.put(o.getMetadata().getName(), o);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base/authz-service", "base/oidc-bridge", "base/profile-controller", "overlays/kubeflow",
            "overlays/standalone"})
    void everyKustomizationRendersIntoKnownKindsThatParseStrictly(String dir) {
        Rendered r = Rendered.of(dir);
        assertThat(r.objects).isNotEmpty();
        Set<String> keys = new HashSet<>();
        for (HasMetadata o : r.objects) {
            String key = o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
            assertThat(keys.add(key)).as("duplicate " + key).isTrue();
            if (ISTIO.contains(o.getKind())) {
                assertThat(o).as(key).isInstanceOf(GenericKubernetesResource.class);
                continue;
            }
            assertThat(TYPED).as(key + ": a kind no test checks").containsKey(o.getKind());
            assertThat(o).as(key).isInstanceOf(TYPED.get(o.getKind()));
            assertStrict(o, dir + ": " + key);
        }
    }

    @Test
    void theKerberosComponentRendersIntoAnOverlayAndMountsTheKeytabTemplate() throws Exception {
        Path dir = Files.createDirectories(Rendered.DEPLOY.resolve("target/kustomize/kerberos"));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: auth
                resources:
                - ../../../base/oidc-bridge
                components:
                - ../../../components/kerberos
                """);
        Rendered r = Rendered.of(dir);
        r.objects.stream().filter(o -> !ISTIO.contains(o.getKind())).forEach(o -> assertStrict(o, "kerberos: " + o));
        Deployment d = r.deployment("greenshank-oidc-bridge");
        assertReferencesResolve(r, d, templates());
        Map<String, String> env = r.environment(d);
        assertThat(env).containsEntry("GREENSHANK_KERBEROS_KEYTAB", "/etc/greenshank/kerberos/krb5.keytab")
                .containsEntry("GREENSHANK_KERBEROS_KRB5_CONF", "/etc/greenshank/krb5/krb5.conf");
        assertThat(mountPaths(d)).contains("/etc/greenshank/kerberos", "/etc/greenshank/krb5");
        assertThat(((Secret) templates().get("greenshank-oidc-bridge-keytab")).getData()).containsKey("krb5.keytab");
        ConfigKeysTest.assertKeysExist(r, d);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyWorkloadIsReplicatedLockedDownProbedAndSized(String overlay) {
        Rendered r = Rendered.of(overlay);
        List<Deployment> deployments = r.all(Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrder(
                "greenshank-authz-service", "greenshank-oidc-bridge", "greenshank-profile-controller");
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            var pod = d.getSpec().getTemplate().getSpec();
            assertThat(d.getSpec().getReplicas()).as(name + " replicas").isGreaterThanOrEqualTo(2);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
            assertThat(pod.getContainers()).as(name).hasSize(1);
            Container c = pod.getContainers().get(0);
            var sc = c.getSecurityContext();
            assertThat(sc.getRunAsNonRoot()).as(name).isTrue();
            assertThat(sc.getReadOnlyRootFilesystem()).as(name).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).as(name).isFalse();
            assertThat(sc.getPrivileged()).as(name).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getCapabilities().getDrop()).as(name).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(name).isEmpty();
            assertThat(sc.getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
            assertThat(mountPaths(d)).as(name + ": a writable /tmp on a read-only root").contains("/tmp");

            assertProbe(c, c.getReadinessProbe(), "/q/health/ready", name);
            assertProbe(c, c.getLivenessProbe(), "/q/health/live", name);
            assertProbe(c, c.getStartupProbe(), "/q/health/started", name);

            Map<String, Quantity> requests = c.getResources().getRequests();
            Map<String, Quantity> limits = c.getResources().getLimits();
            assertThat(requests).as(name).containsKeys("cpu", "memory");
            assertThat(limits).as(name + ": a memory limit the heap is sized from").containsKey("memory");
            assertThat(Quantity.getAmountInBytes(limits.get("memory")))
                    .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
            assertThat(r.environment(d).get("JAVA_TOOL_OPTIONS")).as(name)
                    .contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError")
                    .contains("-XX:TrimNativeHeapInterval=");
            assertThat(r.environment(d).get("MALLOC_ARENA_MAX")).as(name).isEqualTo("2");
            assertThat(c.getImage()).as(name + ": the images: field applied")
                    .isEqualTo("ghcr.io/greenshank/" + name.substring("greenshank-".length()) + ":0.1.0");

            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            List<PodDisruptionBudget> pdbs = r.all(PodDisruptionBudget.class).stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(d.getMetadata().getNamespace())
                            && podLabels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            assertThat(pdbs).as(name + ": one PodDisruptionBudget").hasSize(1);
            assertThat(pdbs.get(0).getSpec().getMinAvailable().getIntVal()).isBetween(1, d.getSpec().getReplicas() - 1);
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyNameAPodOrServiceRefersToExists(String overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        Map<String, HasMetadata> templates = templates();
        for (Deployment d : r.all(Deployment.class)) {
            assertReferencesResolve(r, d, templates);
        }
        for (Service s : r.all(Service.class)) {
            List<Deployment> selected = r.all(Deployment.class).stream()
                    .filter(d -> d.getMetadata().getNamespace().equals(s.getMetadata().getNamespace())
                            && d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                            .containsAll(s.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(selected).as("Service " + s.getMetadata().getName() + " selects one Deployment").hasSize(1);
            Container c = selected.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
            for (ServicePort p : s.getSpec().getPorts()) {
                assertThat(c.getPorts()).extracting(ContainerPort::getName)
                        .as(s.getMetadata().getName() + " targetPort").contains(p.getTargetPort().getStrVal());
            }
        }
        assertThat(r.all(Secret.class)).as("Secrets are templates the user fills, never rendered: a rendered"
                + " greenshank-oidc-bridge-keys would stop the bridge creating its key ring").isEmpty();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void rbacIsLeastPrivilegeAndBindsTheRenderedServiceAccounts(String overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        for (HasMetadata o : r.objects) {
            List<Subject> subjects = o instanceof RoleBinding rb ? rb.getSubjects()
                    : o instanceof ClusterRoleBinding crb ? crb.getSubjects() : List.of();
            for (Subject s : subjects) {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                String ns = s.getNamespace() != null ? s.getNamespace() : o.getMetadata().getNamespace();
                assertThat(r.find(ServiceAccount.class, ns, s.getName())).as(o.getMetadata().getName() + " binds "
                        + ns + "/" + s.getName()).isPresent();
            }
            List<PolicyRule> rules = o instanceof ClusterRole cr ? cr.getRules() : o instanceof Role role
                    ? role.getRules() : List.of();
            for (PolicyRule rule : rules) {
                assertThat(rule.getVerbs()).as(o.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getResources()).as(o.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getApiGroups()).as(o.getMetadata().getName()).doesNotContain("*");
            }
        }

        // authz-service: read the kinds its informers watch, create SubjectAccessReviews; nothing else.
        ClusterRole authz = r.get(ClusterRole.class, null, "greenshank-authz-service");
        for (ResourceDefinitionContext kind : KubernetesPolicySource.KINDS) {
            assertThat(authz.getRules()).as(kind.getPlural()).anySatisfy(rule -> {
                assertThat(rule.getApiGroups()).containsExactly(kind.getGroup());
                assertThat(rule.getResources()).contains(kind.getPlural());
                assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            });
        }
        List<String> granted = authz.getRules().stream()
                .flatMap(rule -> rule.getResources().stream().flatMap(res -> rule.getVerbs().stream()
                        .map(v -> rule.getApiGroups().get(0) + "/" + res + ":" + v)))
                .toList();
        List<String> needed = new ArrayList<>(KubernetesPolicySource.KINDS.stream()
                .flatMap(k -> Stream.of("get", "list", "watch").map(v -> k.getGroup() + "/" + k.getPlural() + ":" + v))
                .toList());
        needed.add("authorization.k8s.io/subjectaccessreviews:create");
        assertThat(granted).containsExactlyInAnyOrderElementsOf(needed);

        // The bridge and the controller: exactly the rules their modules ship (and their tests check).
        assertThat(rules(r.all(Role.class).stream().filter(x -> x.getMetadata().getName().equals("greenshank-oidc-bridge"))
                .findFirst().orElseThrow().getRules()))
                .isEqualTo(rules(shipped("oidc-bridge/server/src/main/resources/kubernetes/oidc-bridge-rbac.yaml",
                        Role.class, "greenshank-oidc-bridge").getRules()));
        assertThat(rules(r.get(ClusterRole.class, null, "greenshank-profile-controller").getRules()))
                .isEqualTo(rules(shipped("profile-controller/src/main/resources/kubernetes/profile-controller-rbac.yaml",
                        ClusterRole.class, "greenshank-profile-controller").getRules()));
        assertThat(rules(r.all(Role.class).stream()
                .filter(x -> x.getMetadata().getName().equals("greenshank-profile-controller-leader"))
                .findFirst().orElseThrow().getRules()))
                .isEqualTo(rules(shipped("profile-controller/src/main/resources/kubernetes/profile-controller-rbac.yaml",
                        Role.class, "greenshank-profile-controller-leader").getRules()));
    }

    @Test
    void theStrictParseCatchesAFieldTheModelDoesNotKnow() {
        HasMetadata d = Rendered.K8S.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                      - name: c
                        image: i
                        securityContext: {readOnlyRootFileSystem: true}
                """);
        List<String> unknown = new ArrayList<>();
        walk(d, "", unknown, new IdentityHashMap<>());
        assertThat(unknown).singleElement().asString().contains("readOnlyRootFileSystem");
    }

    @Test
    void theProfileCrdIsTheOneTheControllerShips() {
        assertThat(Rendered.read(Rendered.DEPLOY.resolve("base/profile-controller/profiles.kubeflow.org.yaml")))
                .isEqualTo(Rendered.read(Rendered.ROOT.resolve(
                        "profile-controller/src/main/resources/kubernetes/profiles.kubeflow.org.yaml")));
    }

    @Test
    void theControllerElectsALeaderInItsOwnNamespaceInEveryOverlay() {
        for (String overlay : OVERLAYS) {
            Rendered r = Rendered.of(overlay);
            Deployment d = r.deployment("greenshank-profile-controller");
            assertThat(r.environment(d)).containsEntry("GREENSHANK_PROFILES_LEADER_ELECTION_ENABLED", "true");
            var lease = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals("GREENSHANK_PROFILES_LEADER_ELECTION_LEASE_NAMESPACE"))
                    .findFirst().orElseThrow();
            assertThat(lease.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
            Role leader = r.all(Role.class).stream()
                    .filter(x -> x.getMetadata().getName().equals("greenshank-profile-controller-leader"))
                    .findFirst().orElseThrow();
            assertThat(leader.getMetadata().getNamespace()).isEqualTo(d.getMetadata().getNamespace());
        }
    }

    // --- helpers ---

    static Set<String> mountPaths(Deployment d) {
        Set<String> out = new HashSet<>();
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().forEach(m -> out.add(m.getMountPath()));
        return out;
    }

    static void assertProbe(Container c, Probe probe, String path, String name) {
        assertThat(probe).as(name + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(name).isEqualTo(path);
        String port = probe.getHttpGet().getPort().getStrVal();
        assertThat(c.getPorts()).extracting(ContainerPort::getName).as(name + " probe port").contains(port);
        if (c.getPorts().stream().anyMatch(p -> p.getName().equals(port) && p.getContainerPort() == 8443)) {
            assertThat(probe.getHttpGet().getScheme()).as(name + ": the TLS port is probed over HTTPS").isEqualTo("HTTPS");
        }
    }

    static void assertReferencesResolve(Rendered r, Deployment d, Map<String, HasMetadata> templates) {
        String ns = d.getMetadata().getNamespace();
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(r.find(ServiceAccount.class, ns, pod.getServiceAccountName())).as(pod.getServiceAccountName()).isPresent();
        Container c = pod.getContainers().get(0);
        for (var from : c.getEnvFrom()) {
            assertThat(r.find(ConfigMap.class, ns, from.getConfigMapRef().getName())).as("envFrom " + from).isPresent();
        }
        for (var e : c.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                assertThat(templates).as(e.getName() + ": Secret template " + ref.getName()).containsKey(ref.getName());
                assertThat(((Secret) templates.get(ref.getName())).getStringData()).as(e.getName()).containsKey(ref.getKey());
            }
        }
        Set<String> mounted = new HashSet<>();
        c.getVolumeMounts().forEach(m -> mounted.add(m.getName()));
        for (var v : pod.getVolumes()) {
            assertThat(mounted).as("volume " + v.getName() + " is mounted").contains(v.getName());
            if (v.getConfigMap() != null) {
                String name = v.getConfigMap().getName();
                boolean rendered = r.find(ConfigMap.class, ns, name).isPresent();
                assertThat(rendered || templates.get(name) instanceof ConfigMap).as("ConfigMap " + name).isTrue();
            }
            if (v.getSecret() != null) {
                HasMetadata t = templates.get(v.getSecret().getSecretName());
                assertThat(t).as("Secret template " + v.getSecret().getSecretName()).isInstanceOf(Secret.class);
                Secret s = (Secret) t;
                Set<String> keys = new HashSet<>();
                if (s.getData() != null) {
                    keys.addAll(s.getData().keySet());
                }
                if (s.getStringData() != null) {
                    keys.addAll(s.getStringData().keySet());
                }
                if (v.getSecret().getItems() != null) {
                    v.getSecret().getItems().forEach(i -> assertThat(keys).contains(i.getKey()));
                }
            }
        }
        // Files the configuration names are on a mounted volume.
        for (var entry : r.environment(d).entrySet()) {
            String value = entry.getValue();
            if (value != null && value.startsWith("/etc/greenshank/")) {
                assertThat(c.getVolumeMounts()).as(entry.getKey() + "=" + value + " is on a mounted volume")
                        .anyMatch(m -> value.startsWith(m.getMountPath() + "/"));
            }
        }
    }

    static <T extends HasMetadata> T shipped(String file, Class<T> type, String name) throws Exception {
        String text = Rendered.read(Rendered.ROOT.resolve(file));
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            HasMetadata o = Rendered.K8S.unmarshal(doc);
            if (type.isInstance(o) && o.getMetadata().getName().equals(name)) {
                return type.cast(o);
            }
        }
        throw new AssertionError(name + " not in " + file);
    }

    static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().map(p -> p.getApiGroups() + " " + p.getResources() + " " + p.getResourceNames() + " "
                + p.getVerbs() + " " + p.getNonResourceURLs()).sorted().toList();
    }

    /** Fails on any field the fabric8 model does not know (it keeps those in additionalProperties). */
    static void assertStrict(Object o, String where) {
        List<String> unknown = new ArrayList<>();
        walk(o, "", unknown, new IdentityHashMap<>());
        assertThat(unknown).as(where + ": fields the model does not know").isEmpty();
    }

    private static void walk(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
                || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        Class<?> type = o.getClass();
        if (!type.getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || !m.getDeclaringClass().getName().startsWith("io.fabric8.kubernetes.api.model")
                    || !(m.getName().startsWith("get") || m.getName().startsWith("is"))) {
                continue;
            }
            try {
                Object value = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add((path.isEmpty() ? "" : path + ": ") + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + m.getName(), unknown, seen);
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                // derived getters that need more state (none of the model's own fields) are skipped
            }
        }
    }

    static JsonNode tree(Rendered r, String kind, String namespace, String name) {
        return r.trees(kind).stream().filter(t -> t.path("metadata").path("name").asText().equals(name)
                && t.path("metadata").path("namespace").asText().equals(namespace)).findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + namespace + "/" + name));
    }
}
