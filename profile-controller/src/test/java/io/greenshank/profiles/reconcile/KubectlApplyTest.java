package io.greenshank.profiles.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubeflow's sample Profile applied with the real kubectl against the embedded API server the controller watches. */
class KubectlApplyTest {

    static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.32");

    static ControllerHarness h;
    @TempDir
    static Path dir;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(KUBECTL), "kubectl 1.32 is installed (CI installs it)");
        h = new ControllerHarness(ControllerSettings.defaults());
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: embedded
                  cluster:
                    server: %s
                contexts:
                - name: embedded
                  context:
                    cluster: embedded
                    user: nobody
                users:
                - name: nobody
                  user: {}
                current-context: embedded
                """.formatted(h.api.url()));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    static Path resource(String name) throws IOException {
        Path f = dir.resolve(name);
        try (var in = KubectlApplyTest.class.getResourceAsStream("/kubeflow/" + name)) {
            Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    @Test
    void kubeflowSampleProfileAppliedWithKubectlBecomesReady() throws Exception {
        Result apply = kubectl("apply", "--validate=false", "-f", resource("profile-sample.yaml").toString());
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("profile.kubeflow.org/kubeflow-user-example-com created");

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Profile p = h.client.resources(Profile.class).withName("kubeflow-user-example-com").get();
            return p != null && p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
        });
        Result ready = kubectl("get", "profile", "kubeflow-user-example-com",
                "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        assertThat(ready.exit()).as(ready.err()).isZero();
        assertThat(ready.out()).isEqualTo("True");

        Result quota = kubectl("get", "resourcequota", "kf-resource-quota", "-n", "kubeflow-user-example-com",
                "-o", "jsonpath={.spec.hard.cpu} {.spec.hard.memory}");
        assertThat(quota.out()).as(quota.err()).isEqualTo("8 16Gi");
        Result sa = kubectl("get", "serviceaccount", "default-editor", "-n", "kubeflow-user-example-com",
                "-o", "jsonpath={.metadata.annotations.iam\\.gke\\.io/gcp-service-account}");
        assertThat(sa.out()).as(sa.err()).isEqualTo("user-sa@example-project.iam.gserviceaccount.com");
        Result owner = kubectl("get", "namespace", "kubeflow-user-example-com", "-o", "jsonpath={.metadata.annotations.owner}");
        assertThat(owner.out()).as(owner.err()).isEqualTo("user@example.com");

        // Applying the same file again is a no-op for kubectl and for the controller.
        Result again = kubectl("apply", "--validate=false", "-f", resource("profile-sample.yaml").toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("unchanged");
    }

    @Test
    void kubectlDeleteRemovesTheProfileAndItsNamespace() throws Exception {
        Result apply = kubectl("apply", "--validate=false", "-f", resource("profile-team.yaml").toString());
        assertThat(apply.exit()).as(apply.err()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> h.client.namespaces().withName("team-ephemeral").get() != null);
        Result delete = kubectl("delete", "profile", "team-ephemeral", "--wait=false");
        assertThat(delete.exit()).as(delete.err()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> h.client.namespaces().withName("team-ephemeral").get() == null
                && h.client.resources(Profile.class).withName("team-ephemeral").get() == null);
    }

    @Test
    void v1beta1IsStillServed() throws Exception {
        // The embedded server does not convert between versions (a real API server does, strategy None), so this
        // checks only that kubectl can write and read the older version.
        Result apply = kubectl("apply", "--validate=false", "-f", resource("profile-sample-v1beta1.yaml").toString());
        assertThat(apply.exit()).as(apply.err()).isZero();
        Result get = kubectl("get", "profiles.v1beta1.kubeflow.org", "legacy-team", "-o", "jsonpath={.spec.owner.name}");
        assertThat(get.out()).as(get.err()).isEqualTo("legacy@example.com");
    }
}
