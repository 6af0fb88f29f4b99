package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.e2e.ScenarioDirectory;
import io.greenshank.e2e.ServiceProcess;
import io.greenshank.e2e.Wiring;
import io.greenshank.testing.ldap.Slapd;
import io.greenshank.testing.net.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Greenshank installed from one rendered overlay, on loopback: the overlay's objects applied to profile-controller's
 * embedded API server (the stand-in for kube-apiserver), the bridge's Secret templates filled in and applied as an
 * operator would, and each service started from its packaged {@code quarkus-run.jar} with exactly what its container
 * would get: the environment its Deployment builds (ConfigMaps through {@code envFrom}, {@code value},
 * {@code secretKeyRef}, {@code fieldRef}) and the files its Secret and ConfigMap volumes mount. The directory is the
 * scenario's slapd, over LDAPS.
 *
 * <p>Only what a cluster supplies differently is substituted, and every substitution is recorded in
 * {@link #substitutions} (the tests print and check them): in-cluster host names and container ports become loopback
 * ports, the container's mount paths a directory under {@code work}, the service account's in-cluster API access a
 * kubeconfig to the stand-in, the Secret templates' placeholders this run's TLS material and directory account.
 */
final class RenderedInstall implements AutoCloseable {

    /** One value the cluster would supply differently: what it is, the rendered value, the value used here. */
    record Substitution(String service, String what, String rendered, String here) {
        @Override
        public String toString() {
            return service + ": " + what + ": " + rendered + " -> " + here;
        }
    }

    /** A service: its Deployment's name and the module whose packaged jar runs. */
    record Service(String deployment, String module, String container) {
    }

    static final Service BRIDGE = new Service("greenshank-oidc-bridge", "oidc-bridge/server", "oidc-bridge");
    static final Service CONTROLLER = new Service("greenshank-profile-controller", "profile-controller",
            "profile-controller");
    static final Service AUTHZ = new Service("greenshank-authz-service", "authz-service", "authz-service");
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Path SECRET_TEMPLATES = Rendered.DEPLOY.resolve("base/oidc-bridge/secrets");

    final Rendered rendered;
    /** The directory (the scenario's slapd over LDAPS), TLS material, the API server stand-in, ports, issuer. */
    final Wiring wiring;
    private final KubernetesClient kube;
    final List<Substitution> substitutions = new ArrayList<>();
    /** The environment each service was started with, by Deployment name. */
    final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * Starts everything; {@code jvmOptions} come before {@code -jar}, after the Deployment's {@code JAVA_TOOL_OPTIONS}
     * (which the JVM reads from the environment, as in the container).
     */
    static RenderedInstall start(String overlay, Path work, Map<Service, List<String>> jvmOptions) throws Exception {
        RenderedInstall install = new RenderedInstall(Rendered.of(overlay), work);
        try {
            install.startServices(jvmOptions);
            return install;
        } catch (Throwable t) {
            install.close();
            throw t;
        }
    }

    /**
     * Everything {@link #start} does before starting a service: the directory, the API server stand-in holding the
     * overlay's objects and the filled-in Secret templates. For running the services some other way (their images).
     */
    static RenderedInstall prepare(String overlay, Path work) throws Exception {
        RenderedInstall install = new RenderedInstall(Rendered.of(overlay), work);
        try {
            install.applyRendered();
            install.applySecretTemplates();
            return install;
        } catch (Throwable t) {
            install.close();
            throw t;
        }
    }

    private RenderedInstall(Rendered rendered, Path dir) throws Exception {
        this.rendered = rendered;
        this.wiring = Wiring.start(dir, d -> ScenarioDirectory.builder(d).tls(true).start(), closeables);
        this.kube = wiring.kube();
    }

    private void startServices(Map<Service, List<String>> jvmOptions) throws Exception {
        applyRendered();
        applySecretTemplates();
        ServiceProcess bridge = launch(BRIDGE, jvmOptions.getOrDefault(BRIDGE, List.of()));
        // The others fetch the bridge's keys (authz-service) and discovery lazily, but start them once it serves, as
        // the e2e fixture does, so a slow bridge shows as the bridge's failure.
        bridge.awaitReady(wiring.http(), wiring.bridgeUrl("/q/health/ready"), START_TIMEOUT);
        ServiceProcess controller = launch(CONTROLLER, jvmOptions.getOrDefault(CONTROLLER, List.of()));
        ServiceProcess authz = launch(AUTHZ, jvmOptions.getOrDefault(AUTHZ, List.of()));
        wiring.awaitControllerAndAuthz(controller, authz, START_TIMEOUT);
    }

    /** {@code kubectl apply -k}: every rendered object, the CRD replacing the stand-in's own copy. */
    private void applyRendered() {
        for (HasMetadata o : rendered.objects) {
            if (o instanceof CustomResourceDefinition) {
                kube.resource(o).update();
            } else {
                EmbeddedApiServerApplyTest.resource(kube, o).create();
            }
        }
    }

    /**
     * The operator's step docs/deploy.md describes: the bridge's TLS Secret, its CA as a ConfigMap for the relying
     * parties, and the directory account, from the templates with their placeholders filled in.
     */
    private void applySecretTemplates() throws Exception {
        String bridgeNs = deploymentOf(BRIDGE).getMetadata().getNamespace();
        String authzNs = deploymentOf(AUTHZ).getMetadata().getNamespace();
        String cert = Files.readString(wiring.tls().caPem());
        String key = Files.readString(wiring.tls().writePrivateKeyPem(wiring.work().resolve("tls/tls.key")));
        String ldapCa = Files.readString(wiring.slapd().caFile());

        Secret tlsSecret = template("tls.yaml", Secret.class, bridgeNs);
        substitute(BRIDGE, "Secret greenshank-oidc-bridge-tls tls.crt", tlsSecret.getStringData(), "tls.crt",
                "this run's self-signed certificate for localhost / 127.0.0.1", cert);
        substitute(BRIDGE, "Secret greenshank-oidc-bridge-tls tls.key", tlsSecret.getStringData(), "tls.key",
                "its private key (PKCS#8 PEM)", key);
        kube.resource(tlsSecret).create();

        ConfigMap issuerCa = template("issuer-ca.yaml", ConfigMap.class, authzNs);
        substitute(AUTHZ, "ConfigMap greenshank-oidc-bridge-ca ca.crt", issuerCa.getData(), "ca.crt",
                "the same self-signed certificate (its own CA)", cert);
        kube.resource(issuerCa).create();

        Secret ldap = template("ldap.yaml", Secret.class, bridgeNs);
        substitute(BRIDGE, "Secret greenshank-oidc-bridge-ldap bind-dn", ldap.getStringData(), "bind-dn",
                "the scenario slapd's admin DN", Slapd.ROOT_DN);
        substitute(BRIDGE, "Secret greenshank-oidc-bridge-ldap bind-password", ldap.getStringData(), "bind-password",
                "its password", Slapd.ROOT_PW);
        substitute(BRIDGE, "Secret greenshank-oidc-bridge-ldap ca.crt", ldap.getStringData(), "ca.crt",
                "the slapd's self-signed LDAPS certificate", ldapCa);
        kube.resource(ldap).create();
    }

    private <T extends HasMetadata> T template(String file, Class<T> type, String namespace) {
        T t = Rendered.K8S.unmarshal(Rendered.read(SECRET_TEMPLATES.resolve(file)), type);
        t.getMetadata().setNamespace(namespace);
        return t;
    }

    private void substitute(Service s, String what, Map<String, String> data, String key, String description,
                            String value) {
        String placeholder = data.get(key);
        if (placeholder == null || !placeholder.contains("REPLACE")) {
            throw new AssertionError(what + " is no longer a placeholder in the template: " + placeholder);
        }
        substitutions.add(new Substitution(s.container(), what, "REPLACE…", description));
        data.put(key, value);
    }

    Deployment deploymentOf(Service s) {
        return rendered.deployment(s.deployment());
    }

    /**
     * What the kubelet gives a service's container, from the objects as the stand-in stores them: its environment
     * (the Deployment's {@code envFrom} ConfigMaps, {@code value}, {@code secretKeyRef}, {@code fieldRef}; paths as
     * the container sees them) and the files its Secret and ConfigMap volumes mount, by mount path.
     */
    record ContainerConfig(Map<String, String> env, Map<String, Map<String, String>> mounts) {
    }

    ContainerConfig containerConfig(Service s) {
        Deployment d = deploymentOf(s);
        String ns = d.getMetadata().getNamespace();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(x -> x.getName().equals(s.container())).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + s.container() + " in " + s.deployment()));

        Map<String, String> env = new TreeMap<>();
        for (var from : c.getEnvFrom()) {
            ConfigMap cm = kube.configMaps().inNamespace(ns).withName(from.getConfigMapRef().getName()).get();
            if (cm == null) {
                throw new AssertionError(s.deployment() + " envFrom ConfigMap " + from.getConfigMapRef().getName()
                        + " is not in the API server");
            }
            env.putAll(cm.getData());
        }
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), value(ns, e));
        }

        // Mounted Secrets and ConfigMaps, as the kubelet writes them (a missing optional one is an empty mount).
        Map<String, Volume> volumes = new LinkedHashMap<>();
        d.getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        Map<String, Map<String, String>> mounts = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            Map<String, String> data = null;
            List<KeyToPath> items = List.of();
            if (v.getSecret() != null) {
                Secret secret = kube.secrets().inNamespace(ns).withName(v.getSecret().getSecretName()).get();
                data = secret == null ? null : decoded(secret);
                items = v.getSecret().getItems();
                if (data == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                    throw new AssertionError(s.deployment() + " mounts Secret " + v.getSecret().getSecretName()
                            + ", which is not in the API server");
                }
            } else if (v.getConfigMap() != null) {
                ConfigMap cm = kube.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
                data = cm == null ? null : cm.getData();
                items = v.getConfigMap().getItems();
                if (data == null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                    throw new AssertionError(s.deployment() + " mounts ConfigMap " + v.getConfigMap().getName()
                            + ", which is not in the API server");
                }
            }
            Map<String, String> files = new LinkedHashMap<>();
            if (data != null) {
                if (items == null || items.isEmpty()) {
                    files.putAll(data);
                } else {
                    for (KeyToPath i : items) {
                        files.put(i.getPath(), data.get(i.getKey()));
                    }
                }
            }
            mounts.put(m.getMountPath(), files);
        }
        return new ContainerConfig(env, mounts);
    }

    /** Writes each mount's files under {@code root} at its mount path (an emptyDir is an empty directory). */
    static void writeMounts(ContainerConfig config, Path root) throws java.io.IOException {
        for (var m : config.mounts().entrySet()) {
            Path dir = Files.createDirectories(root.resolve(m.getKey().substring(1)));
            for (var f : m.getValue().entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
        }
    }

    /** The container's environment and files, mounted under a directory of this run, then started. */
    private ServiceProcess launch(Service s, List<String> jvmOptions) throws Exception {
        ContainerConfig config = containerConfig(s);
        Path root = Files.createDirectories(wiring.work().resolve(s.container() + "-root"));
        writeMounts(config, root);
        Map<String, String> env = new TreeMap<>(config.env());
        for (String mountPath : config.mounts().keySet()) {
            Path dir = root.resolve(mountPath.substring(1));
            substitutions.add(new Substitution(s.container(), "volume " + mountPath, mountPath, dir.toString()));
            for (var e : env.entrySet()) {
                if (e.getValue() != null && e.getValue().startsWith(mountPath + "/")) {
                    e.setValue(dir + e.getValue().substring(mountPath.length()));
                }
            }
        }
        Path kubeconfig = wiring.work().resolve(s.container() + ".kubeconfig");
        clusterSubstitutions(s, env, kubeconfig, kubeconfig.toString());
        // The image's own environment (deploy/image/build.sh): its Java, its locale.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        environments.put(s.deployment(), Map.copyOf(env));
        ServiceProcess p = ServiceProcess.startAsContainer(s.container(), s.module(), jvmOptions, env,
                Files.createDirectories(wiring.work().resolve("logs")));
        closeables.add(p);
        processes.put(s.deployment(), p);
        return p;
    }

    /**
     * Stops a service and starts it again from the environment it was first given, with other JVM options (the
     * footprint benchmark's variants); the new process.
     */
    ServiceProcess restart(Service s, List<String> jvmOptions) throws Exception {
        processes.get(s.deployment()).close();
        ServiceProcess p = ServiceProcess.startAsContainer(s.container(), s.module(), jvmOptions,
                environments.get(s.deployment()), wiring.work().resolve("logs"));
        closeables.add(p);
        processes.put(s.deployment(), p);
        return p;
    }

    /**
     * Every environment key a service got is the rendered value, except those a cluster supplies differently (ports,
     * the loopback address, the in-cluster issuer URL, the directory's address and base DN, API access) and mounted
     * file paths (same file, under this run's directory).
     */
    void assertOnlyWhatTheClusterSuppliesIsSubstituted() {
        // Every substituted environment key: ports, the loopback address, the in-cluster issuer URL, the directory's
        // address and base DN, and API access. Everything else each service got is the rendered value, unchanged.
        List<String> allowed = List.of("QUARKUS_HTTP_HOST", "QUARKUS_HTTP_PORT", "QUARKUS_HTTP_SSL_PORT",
                "GREENSHANK_AUTHZ_GRPC_PORT", "KUBECONFIG", "GREENSHANK_BRIDGE_ISSUER",
                "GREENSHANK_AUTHZ_ISSUERS_BRIDGE_ISSUER", "GREENSHANK_AUTHZ_ISSUERS_BRIDGE_JWKS_URL",
                "GREENSHANK_BRIDGE_LDAP_URLS", "GREENSHANK_BRIDGE_LDAP_USER_BASE_DN");
        for (RenderedInstall.Service s : List.of(RenderedInstall.BRIDGE, RenderedInstall.CONTROLLER,
                RenderedInstall.AUTHZ)) {
            Map<String, String> renderedEnv = rendered.environment(deploymentOf(s));
            Map<String, String> started = environments.get(s.deployment());
            renderedEnv.forEach((k, v) -> {
                if (v == null || allowed.contains(k)) {
                    return;
                }
                String actual = started.get(k);
                if (v.startsWith("/etc/greenshank/")) {
                    assertThat(actual).as(s.container() + " " + k + " (a mounted file)").endsWith(v);
                } else {
                    assertThat(actual).as(s.container() + " " + k).isEqualTo(v);
                }
            });
        }
        assertThat(substitutions).extracting(RenderedInstall.Substitution::what)
                .allMatch(w -> allowed.contains(w) || w.startsWith("volume ") || w.startsWith("Secret ")
                        || w.startsWith("ConfigMap "));
    }

    /** Where the kubelet's readiness probe asks, on this run's port. */
    URI readyUrl(Service s) {
        return s == BRIDGE ? wiring.bridgeUrl("/q/health/ready")
                : s == AUTHZ ? wiring.authzUrl("/q/health/ready") : wiring.controllerUrl("/q/health/ready");
    }

    /**
     * The loopback port this run serves a container port on, by the port's name in the Deployment (what a Service's
     * named {@code targetPort} selects); an assertion error for a name no container of the service declares.
     */
    int loopbackPort(Service s, String containerPortName) {
        Map<String, Integer> byName = s == BRIDGE ? Map.of("https", wiring.bridgePort())
                : s == CONTROLLER ? Map.of("http", wiring.controllerPort())
                : Map.of("http", wiring.authzPort(), "grpc-ext-authz", wiring.authzGrpcPort());
        boolean declared = deploymentOf(s).getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream()).anyMatch(p -> containerPortName.equals(p.getName()));
        if (!declared || !byName.containsKey(containerPortName)) {
            throw new AssertionError(s.deployment() + " declares no container port named " + containerPortName);
        }
        return byName.get(containerPortName);
    }

    /**
     * Host names, ports and API access: what a pod gets from the cluster network rather than from the manifests.
     * API access is a kubeconfig to the stand-in, written to {@code kubeconfig} and named {@code KUBECONFIG=seenAs}.
     */
    void clusterSubstitutions(Service s, Map<String, String> env, Path kubeconfig, String seenAs) throws Exception {
        String ns = deploymentOf(s).getMetadata().getNamespace();
        String bridgeNs = deploymentOf(BRIDGE).getMetadata().getNamespace();
        String bridgeUrl = "https://greenshank-oidc-bridge." + bridgeNs + ".svc.cluster.local";
        for (var e : env.entrySet()) {
            if (e.getValue() != null && e.getValue().startsWith(bridgeUrl)) {
                String here = wiring.issuer() + e.getValue().substring(bridgeUrl.length());
                substitutions.add(new Substitution(s.container(), e.getKey(), e.getValue(), here));
                e.setValue(here);
            }
        }
        replace(s, env, "QUARKUS_HTTP_HOST", "the pod's address (0.0.0.0)", "127.0.0.1");
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (s == BRIDGE) {
            ports.put("QUARKUS_HTTP_SSL_PORT", wiring.bridgePort());
            // closed by QUARKUS_HTTP_INSECURE_REQUESTS=disabled; given a free port so no other run's 8080 matters
            ports.put("QUARKUS_HTTP_PORT", FreePorts.loopback());
            replace(s, env, "GREENSHANK_BRIDGE_LDAP_URLS", env.get("GREENSHANK_BRIDGE_LDAP_URLS"), wiring.slapd().ldapsUrl());
            replace(s, env, "GREENSHANK_BRIDGE_LDAP_USER_BASE_DN", env.get("GREENSHANK_BRIDGE_LDAP_USER_BASE_DN"),
                    Slapd.BASE);
        } else if (s == CONTROLLER) {
            ports.put("QUARKUS_HTTP_PORT", wiring.controllerPort());
        } else {
            ports.put("QUARKUS_HTTP_PORT", wiring.authzPort());
            ports.put("GREENSHANK_AUTHZ_GRPC_PORT", wiring.authzGrpcPort());
        }
        for (var p : ports.entrySet()) {
            replace(s, env, p.getKey(), env.getOrDefault(p.getKey(), "the container port"), String.valueOf(p.getValue()));
        }
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stand-in
                  cluster: {server: "%s"}
                users:
                - name: %s
                  user: {token: not-checked-by-the-stand-in}
                contexts:
                - name: pod
                  context: {cluster: stand-in, user: %s, namespace: %s}
                current-context: pod
                """.formatted(wiring.api().url(), s.deployment(), s.deployment(), ns));
        replace(s, env, "KUBECONFIG", "the pod's service account (in-cluster config, namespace " + ns + ")",
                seenAs);
    }

    private void replace(Service s, Map<String, String> env, String key, String rendered, String here) {
        substitutions.add(new Substitution(s.container(), key, rendered, here));
        env.put(key, here);
    }

    private String value(String ns, EnvVar e) {
        if (e.getValueFrom() == null) {
            return e.getValue();
        }
        var from = e.getValueFrom();
        if (from.getSecretKeyRef() != null) {
            Secret secret = kube.secrets().inNamespace(ns).withName(from.getSecretKeyRef().getName()).get();
            if (secret == null) {
                throw new AssertionError(e.getName() + ": Secret " + from.getSecretKeyRef().getName() + " is not in "
                        + ns);
            }
            return decoded(secret).get(from.getSecretKeyRef().getKey());
        }
        if (from.getConfigMapKeyRef() != null) {
            return kube.configMaps().inNamespace(ns).withName(from.getConfigMapKeyRef().getName()).get().getData()
                    .get(from.getConfigMapKeyRef().getKey());
        }
        if (from.getFieldRef() != null && "metadata.namespace".equals(from.getFieldRef().getFieldPath())) {
            return ns;
        }
        throw new AssertionError(e.getName() + ": a valueFrom this stand-in cannot resolve: " + from);
    }

    /** A Secret's values as the kubelet writes them: {@code data} decoded; {@code stringData} if the server kept it. */
    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> values = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k,
                    new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    HttpClient http() {
        return wiring.http();
    }

    @Override
    public void close() {
        Wiring.closeAll(closeables);
    }
}
