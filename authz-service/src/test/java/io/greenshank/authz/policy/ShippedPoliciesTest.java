package io.greenshank.authz.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.authz.explain.ExplainCommand;
import io.greenshank.authz.policy.convert.ConvertCommand;
import io.greenshank.authz.policy.source.DirectoryPolicySource;
import io.greenshank.authz.policy.source.PolicyStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policies Greenshank ships under policies/ load cleanly, and the two commands work on them. */
class ShippedPoliciesTest {

    private static final Path POLICIES = Path.of("../policies");

    @Test
    void everyShippedPolicyLoadsWithoutRejection() {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        assertThat(new DirectoryPolicySource(POLICIES, store).scan()).isTrue();
        assertThat(store.current().rejections()).isEmpty();
        assertThat(store.current().authorizationPolicies().size()).isEqualTo(3);
        assertThat(store.current().legacy().bindingCount()).isEqualTo(2);
    }

    @Test
    void theLegacyKubeflowProfileConvertsCompletelyAndDecidesTheSame(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvertCommand.run(new String[] {
                POLICIES.resolve("kubeflow-legacy/profile-kubeflow-user-example-com.yaml").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        PolicySet legacy = PolicyFixtures.policies(
                Files.readString(POLICIES.resolve("kubeflow-legacy/profile-kubeflow-user-example-com.yaml")));
        PolicySet converted = PolicyFixtures.policies(out.toString(StandardCharsets.UTF_8));
        for (String ns : List.of("kubeflow-user-example-com", "kubeflow")) {
            for (String user : List.of("user@example.com", "contributor@example.com", "mallory@example.com")) {
                PolicyRequest r = PolicyFixtures.request(ns, Map.of("app", "nb"))
                        .headers(Map.of("kubeflow-userid", user)).build();
                assertThat(converted.evaluate(r).allowed()).as(ns + " " + user).isEqualTo(legacy.evaluate(r).allowed());
            }
        }
    }

    @Test
    void theExplainCommandPrintsTheDecisionAndTrace() {
        String request = """
                {"user":"contributor@example.com","issuer":"https://idp","subject":"c",
                 "sourcePrincipal":"cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
                 "method":"GET","host":"kubeflow.example.com","path":"/notebook/x/../lab",
                 "headers":{"kubeflow-userid":"contributor@example.com"},
                 "destination":{"namespace":"kubeflow-user-example-com","labels":{"app":"nb"}}}""";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ExplainCommand.run(new String[] {"--policies", POLICIES.resolve("kubeflow").toString(),
                "--policies", POLICIES.resolve("mesh").toString(), "-"},
                new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isZero();
        assertThat(text).startsWith("ALLOW: allowed by ALLOW policy kubeflow-user-example-com/"
                + "user-contributor-example-com-clusterrole-edit rule 0")
                .contains("path judged:  /notebook/lab")
                .contains("istio-system/deny-debug-endpoints [DENY] did not match")
                .contains("ns-owner-access-istio [ALLOW] did not match: rule 0: when: request.headers[kubeflow-userid]");
    }

    private static String[] explain(String request, String... flags) {
        java.util.List<String> args = new java.util.ArrayList<>(List.of("--policies", POLICIES.resolve("kubeflow").toString(),
                "--policies", POLICIES.resolve("mesh").toString()));
        args.addAll(List.of(flags));
        args.add("-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ExplainCommand.run(args.toArray(new String[0]),
                new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void theExplainCommandSaysWhichKindOfRefusalTheCheckGets() {
        String anonymous = """
                {"method":"GET","host":"kubeflow.example.com","path":"/notebook/x/y/lab",
                 "destination":{"namespace":"kubeflow-user-example-com","labels":{"app":"nb"}}}""";
        String[] required = explain(anonymous);
        assertThat(required[0]).isEqualTo("3");
        assertThat(required[1]).startsWith("DENY: a credential is required")
                .contains("response:     401 credential_required (no_credentials)")
                .contains("for reference only, policy is not consulted");
        String[] policy = explain(anonymous, "--no-require-authentication");
        assertThat(policy[1]).contains("response:     403 policy (policy_no_match)");
        String[] publicPath = explain(anonymous, "--public-paths", "/notebook/*", "--json");
        assertThat(publicPath[1]).contains("\"status\" : 403").contains("\"denial\" : \"policy\"");
        String[] bad = explain("{\"method\":\"get t\",\"path\":\"/x\"}");
        assertThat(bad[0]).isEqualTo("3");
        assertThat(bad[1]).startsWith("DENY: method rejected before policy")
                .contains("response:     400 bad_request (method_invalid)");
        String[] nul = explain("{\"method\":\"GET\",\"path\":\"/a%00\"}");
        assertThat(nul[1]).contains("400 bad_request (path_rejected)");
    }
}
