package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The images deploy/image/build.sh writes (target/images/&lt;service&gt;.tar, docker-archive format), read as a
 * container runtime would: config (user, entrypoint, environment, ports) against the Deployment that runs it, layers
 * against their digests, file ownership and modes for a read-only root filesystem; and authz-service's image run as a
 * container would run it (its layers unpacked in order, a read-only root, a tmpfs /tmp, uid 10001, the config's
 * environment and entrypoint) until ready; the bridge's and profile-controller's images likewise, with the configuration
 * their Deployments give them. Tagged {@code image}: run with
 * {@code deploy/image/build.sh && ./mvnw -B -pl deploy -am verify -Dgroups=image -Dimage.excluded=none}.
 */
@Tag("image")
class ImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMAGES = Rendered.ROOT.resolve("target/images");

    record Image(Path dir, JsonNode config, List<Path> layers) {
        JsonNode container() {
            return config.get("config");
        }

        List<String> env() {
            List<String> env = new ArrayList<>();
            container().get("Env").forEach(e -> env.add(e.asText()));
            return env;
        }
    }

    private static Image unpack(String service, Path into) throws Exception {
        Path tar = IMAGES.resolve(service + ".tar");
        assertThat(tar).as("build it first: deploy/image/build.sh " + service).isRegularFile();
        run(List.of("tar", "-xf", tar.toString(), "-C", Files.createDirectories(into).toString()));
        JsonNode manifest = JSON.readTree(into.resolve("manifest.json").toFile());
        assertThat(manifest).hasSize(1);
        assertThat(manifest.get(0).get("RepoTags").get(0).asText())
                .as("the name the kustomize bases use").isEqualTo("ghcr.io/greenshank/" + service + ":0.1.0");
        JsonNode config = JSON.readTree(into.resolve(manifest.get(0).get("Config").asText()).toFile());
        assertThat(sha256(into.resolve(manifest.get(0).get("Config").asText())))
                .isEqualTo(manifest.get(0).get("Config").asText().replace(".json", ""));
        List<Path> layers = new ArrayList<>();
        manifest.get(0).get("Layers").forEach(l -> layers.add(into.resolve(l.asText())));
        return new Image(into, config, layers);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s:\n%s", cmd, out).isZero();
        return out;
    }

    private static Deployment deployment(String service) {
        return Rendered.of("overlays/standalone").deployment("greenshank-" + service);
    }

    @ParameterizedTest
    @ValueSource(strings = {"authz-service", "oidc-bridge", "profile-controller"})
    void configMatchesTheDeploymentThatRunsIt(String service, @TempDir Path dir) throws Exception {
        Image image = unpack(service, dir);
        JsonNode c = image.container();
        Deployment d = deployment(service);
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        var pod = d.getSpec().getTemplate().getSpec().getSecurityContext();

        assertThat(c.get("User").asText()).as("non-root, the uid the pods run as")
                .isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup());
        assertThat(JSON.convertValue(c.get("Entrypoint"), List.class)).containsExactly("/opt/java/bin/java",
                "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-jar", "/deployments/quarkus-run.jar");
        Set<String> exposed = new TreeSet<>();
        c.get("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        assertThat(exposed).as("the service's ports only").isEqualTo(container.getPorts().stream()
                .map(ContainerPort::getContainerPort).map(p -> p + "/tcp").collect(Collectors.toCollection(TreeSet::new)));
        String heap = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst()
                .orElseThrow().getValue();
        assertThat(image.env()).as("the image's default heap flags are the Deployment's")
                .contains("JAVA_TOOL_OPTIONS=" + heap);
        assertThat(heap).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError");

        List<String> diffIds = new ArrayList<>();
        image.config().get("rootfs").get("diff_ids").forEach(id -> diffIds.add(id.asText()));
        List<String> actual = new ArrayList<>();
        for (Path layer : image.layers()) {
            actual.add("sha256:" + sha256(layer));
        }
        assertThat(actual).as("runtime, dependencies, runner, application").hasSize(4).isEqualTo(diffIds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"authz-service", "oidc-bridge", "profile-controller"})
    void everyFileIsRootOwnedAndOnlyTmpIsWritable(String service, @TempDir Path dir) throws Exception {
        Image image = unpack(service, dir);
        List<String> problems = new ArrayList<>();
        Set<String> paths = new TreeSet<>();
        for (Path layer : image.layers()) {
            for (String line : run(List.of("tar", "--numeric-owner", "-tvf", layer.toString())).split("\n")) {
                String[] f = line.trim().split("\\s+", 6);
                String mode = f[0];
                String owner = f[1];
                String path = f[5].replaceFirst(" -> .*", "");
                paths.add(path);
                if (!owner.equals("0/0")) {
                    problems.add(path + " owned by " + owner);
                }
                if (mode.charAt(3) == 's' || mode.charAt(6) == 's') {
                    problems.add(path + " is setuid/setgid: " + mode);
                }
                if (mode.charAt(8) == 'w' && mode.charAt(0) != 'l' && !path.equals("./tmp/")) {
                    problems.add(path + " is world-writable: " + mode);
                }
                if (path.equals("./tmp/") && !mode.equals("drwxrwxrwt")) {
                    problems.add("/tmp is " + mode);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(paths).contains("./opt/java/bin/java", "./deployments/quarkus-run.jar",
                "./deployments/lib/boot/", "./deployments/app/", "./etc/passwd", "./tmp/");
        assertThat(paths).as("no shell, no package manager").doesNotContain("./bin/sh", "./usr/bin/apt");
    }

    @Test
    void authzServiceRunsFromItsImageAsUid10001OnAReadOnlyRoot(@TempDir Path dir) throws Exception {
        Image image = unpack("authz-service", dir.resolve("image"));
        Path root = rootOf(image, dir.resolve("root"));
        // What a ConfigMap mount would bring: the keys of the issuer it trusts (readiness waits for them).
        Files.writeString(Files.createDirectories(root.resolve("etc/greenshank")).resolve("jwks.json"), jwks());
        int http = freePort();
        int grpc = freePort();
        List<String> env = new ArrayList<>(image.env());
        env.add("QUARKUS_HTTP_PORT=" + http);
        env.add("GREENSHANK_AUTHZ_GRPC_PORT=" + grpc);
        env.add("GREENSHANK_AUTHZ_ISSUERS_TEST_ISSUER=https://issuer.test");
        env.add("GREENSHANK_AUTHZ_ISSUERS_TEST_AUDIENCES=kubeflow");
        env.add("GREENSHANK_AUTHZ_ISSUERS_TEST_JWKS_FILE=/etc/greenshank/jwks.json");
        runUntilReady(image, root, env, dir.resolve("authz-service.log"), HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + http + "/q/health/ready"));
    }

    /**
     * The bridge's and profile-controller's images with the configuration their Deployments give them (standalone
     * overlay): the environment from the rendered ConfigMaps, values, Secret keys and downward API, and each Secret
     * and ConfigMap volume's files at its mount path inside the container's root ({@link RenderedInstall#prepare}: the
     * overlay's objects and filled-in Secret templates on the API server stand-in, the scenario's slapd over LDAPS).
     * Only what a cluster supplies differently is substituted, as for the packaged jars: loopback ports, the issuer's
     * host, the directory's address, and API access (a kubeconfig to the stand-in inside the root).
     */
    @ParameterizedTest
    @ValueSource(strings = {"oidc-bridge", "profile-controller"})
    void runsFromItsImageWithItsDeploymentsConfiguration(String service, @TempDir Path dir) throws Exception {
        RenderedInstall.Service s = service.equals("oidc-bridge") ? RenderedInstall.BRIDGE : RenderedInstall.CONTROLLER;
        Image image = unpack(service, dir.resolve("image"));
        Path root = rootOf(image, dir.resolve("root"));
        try (RenderedInstall install = RenderedInstall.prepare("overlays/standalone", dir.resolve("install"))) {
            RenderedInstall.ContainerConfig config = install.containerConfig(s);
            RenderedInstall.writeMounts(config, root);
            Map<String, String> containerEnv = new TreeMap<>(config.env());
            install.clusterSubstitutions(s, containerEnv, root.resolve("etc/greenshank-kubeconfig"),
                    "/etc/greenshank-kubeconfig");
            // The kubelet's /etc/hosts, so the kubeconfig's and issuer's "localhost" resolve inside the root.
            Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
            // The image's environment, then the container's (which wins, as in Kubernetes).
            Map<String, String> env = new TreeMap<>();
            image.env().forEach(e -> env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
            env.putAll(containerEnv);
            assertThat(env.get("JAVA_TOOL_OPTIONS")).as("the Deployment's heap flags are the image's")
                    .isEqualTo(image.env().stream().filter(e -> e.startsWith("JAVA_TOOL_OPTIONS=")).findFirst()
                            .orElseThrow().substring("JAVA_TOOL_OPTIONS=".length()));
            System.out.printf("%s image: substitutions:%n  %s%n", service, String.join("\n  ",
                    install.substitutions.stream().map(Object::toString).toList()));
            runUntilReady(image, root, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                    dir.resolve(service + ".log"), install.http(), install.readyUrl(s));
        }
    }

    /** The image's layers unpacked in order, plus the mount points a runtime creates. */
    private static Path rootOf(Image image, Path root) throws Exception {
        Files.createDirectories(root);
        for (Path layer : image.layers()) {
            run(List.of("tar", "-xf", layer.toString(), "-C", root.toString()));
        }
        Files.createDirectories(root.resolve("proc"));
        return root;
    }

    /**
     * Runs the image the way a runtime does — the root bind-mounted read-only, {@code /proc} and a tmpfs {@code /tmp}
     * mounted, only {@code env}, {@code chroot} as the image's user, its entrypoint — until {@code ready} answers 200,
     * and checks the JVM runs as uid 10001 with both class-data-sharing archives mapped.
     */
    private static void runUntilReady(Image image, Path root, List<String> env, Path log, HttpClient http, URI ready)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "sh", "-c",
                "set -e; r=\"$1\"; shift; mount --bind \"$r\" \"$r\"; mount -o remount,bind,ro \"$r\"; "
                        + "mount -t proc proc \"$r/proc\"; mount -t tmpfs -o mode=1777 tmpfs \"$r/tmp\"; "
                        + "exec env -i \"$@\"", "sh", root.toString()));
        cmd.addAll(env);
        // The launcher's own options variable: with -Xshare:on the JVM refuses to start unless it maps both the
        // runtime's default CDS archive and the image's AppCDS archive, so this run proves they match its JVM.
        cmd.add("JDK_JAVA_OPTIONS=-Xshare:on");
        cmd.addAll(List.of("/usr/sbin/chroot", "--userspec=" + image.container().get("User").asText(), root.toString()));
        image.container().get("Entrypoint").forEach(e -> cmd.add(e.asText()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(p, log, http, ready);
            ProcessHandle java = p.descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                    .orElseThrow(() -> new AssertionError("no java process under " + p.pid()));
            String uid = Files.readAllLines(Path.of("/proc", String.valueOf(java.pid()), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uid.split("\\s+")).as(uid).containsOnly("Uid:", "10001");
            String maps = Files.readString(Path.of("/proc", String.valueOf(java.pid()), "maps"));
            assertThat(maps).as("the AppCDS archive is mapped").contains("app-cds.jsa");
            assertThat(Files.readString(log)).as("the JVM took -Xshare:on").contains("Picked up JDK_JAVA_OPTIONS: -Xshare:on");
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(Process p, Path log, HttpClient http, URI url) throws Exception {
        Instant deadline = Instant.now().plus(RenderedInstall.START_TIMEOUT);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            assertThat(p.isAlive()).as("the container exited:\n%s", tail(log)).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready at " + url + " (" + last + "):\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static String jwks() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey k = (ECPublicKey) g.generateKeyPair().getPublic();
        return """
                {"keys":[{"kty":"EC","crv":"P-256","kid":"image-test","use":"sig","alg":"ES256","x":"%s","y":"%s"}]}
                """.formatted(coordinate(k.getW().getAffineX()), coordinate(k.getW().getAffineY()));
    }

    private static String coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] fixed = new byte[32];
        int n = Math.min(32, raw.length);
        System.arraycopy(raw, raw.length - n, fixed, 32 - n, n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
