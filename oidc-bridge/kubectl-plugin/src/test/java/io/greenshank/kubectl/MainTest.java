package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's own commands and its refusals of bad command lines. */
class MainTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void setupPrintsTheKubeconfigUserAndTheApiServerSettings() throws Exception {
        Path ca = Files.createTempFile("ca-", ".pem");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Run r = run(Map.of(), "setup", "--issuer", "https://bridge.example.com", "--client-id", "kubectl",
                "--certificate-authority", ca.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("      apiVersion: client.authentication.k8s.io/v1\n      command: kubectl-greenshank\n")
                .contains("        - --issuer=https://bridge.example.com\n")
                .contains("      interactiveMode: IfAvailable\n")
                .contains("--oidc-issuer-url=https://bridge.example.com\n--oidc-client-id=kubectl\n")
                .contains("--oidc-username-claim=email\n--oidc-groups-claim=groups\n")
                .contains("kind: AuthenticationConfiguration\n")
                .contains("    certificateAuthority: |\n      -----BEGIN CERTIFICATE-----\n      MIIB\n");
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertThat(run(Map.of(), "get-token", "--issuer", "http://bridge.example.com").exit()).isEqualTo(2);
        assertThat(run(Map.of(), "get-token", "--issuer", "https://b", "--colour", "red").err())
                .contains("unknown flag --colour");
        assertThat(run(Map.of(), "get-token").err()).contains("--issuer is required");
        assertThat(run(Map.of(), "frobnicate").exit()).isEqualTo(2);
    }

    @Test
    void theIssuerCanComeFromTheClusterExtension() throws Exception {
        String info = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"spec\":"
                + "{\"interactive\":false,\"cluster\":{\"server\":\"https://api\",\"config\":"
                + "{\"issuer\":\"https://bridge.example.com\",\"client-id\":\"k8s\"}}}}";
        Run r = run(Map.of("KUBERNETES_EXEC_INFO", info), "setup");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--oidc-issuer-url=https://bridge.example.com").contains("--oidc-client-id=k8s");
    }

    @Test
    void theJarCarriesTheClassListForTheLauncher() {
        Run r = run(Map.of(), "cds-classlist");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("io/greenshank/kubectl/SpnegoInitiator").contains("javax/net/ssl/SSLContext");
    }
}
