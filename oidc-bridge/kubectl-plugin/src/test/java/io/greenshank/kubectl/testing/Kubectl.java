package io.greenshank.kubectl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl (client 1.32), called directly rather than through the SDK's dispatcher, with a kubeconfig whose
 * user is the exec plugin ({@code client.authentication.k8s.io/v1}, {@code interactiveMode}, cluster info passed).
 */
public final class Kubectl {
    public static final Path BINARY = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.32");

    private Kubectl() {
    }

    /**
     * Fails (never skips) when {@link #BINARY} is missing, naming what to install: a test that needs kubectl and
     * finds none has not passed.
     */
    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("kubectl 1.32 is required at " + BINARY + " and is missing: install the Google"
                    + " Cloud SDK's kubectl (its bundled kubectl.1.32 lands in /usr/lib/google-cloud-sdk/bin/; e.g."
                    + " gcloud components install kubectl), or link a kubectl 1.32 binary there");
        }
    }

    /**
     * Writes a kubeconfig for {@code apiServer} whose cluster extension carries {@code clusterConfig} (the plugin's
     * issuer and client) and whose user runs {@code launcher} with {@code args}.
     */
    public static Path kubeconfig(Path file, String apiServer, Path apiCaPem, Path launcher, List<String> args,
                                  Map<String, String> clusterConfig) throws IOException {
        String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(apiCaPem));
        StringBuilder yaml = new StringBuilder();
        yaml.append("apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n")
                .append("    server: ").append(apiServer).append('\n')
                .append("    certificate-authority-data: ").append(ca).append('\n')
                .append("    extensions:\n    - name: client.authentication.k8s.io/exec\n      extension:\n");
        clusterConfig.forEach((k, v) -> yaml.append("        ").append(k).append(": \"").append(v).append("\"\n"));
        yaml.append("contexts:\n- name: test\n  context:\n    cluster: test\n    user: greenshank\n")
                .append("current-context: test\nusers:\n- name: greenshank\n  user:\n    exec:\n")
                .append("      apiVersion: client.authentication.k8s.io/v1\n")
                .append("      command: ").append(launcher).append('\n')
                .append("      args:\n");
        for (String arg : args) {
            yaml.append("      - \"").append(arg).append("\"\n");
        }
        yaml.append("      interactiveMode: IfAvailable\n      provideClusterInfo: true\n");
        Files.writeString(file, yaml.toString());
        return file;
    }

    /** Runs kubectl with {@code env} and no terminal; returns {exit code, stdout, stderr}. */
    public static String[] run(Path kubeconfig, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("setsid", "-w", BINARY.toString(),
                "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", kubeconfig.getParent().toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(kubeconfig.getParent(), "kubectl-", ".out");
        Path err = Files.createTempFile(kubeconfig.getParent(), "kubectl-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("kubectl did not finish in 90 s");
        }
        return new String[] {String.valueOf(p.exitValue()), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8)};
    }
}
