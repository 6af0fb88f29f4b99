package io.greenshank.authz.policy.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySourcesTest {

    private static PolicyRequest req(String ns, String path) {
        return PolicyRequest.builder().destination(new Destination(ns, "svc", Map.of("app", "web"), "", 80))
                .method("GET").path(path).build();
    }

    private static final String ALLOW_API = """
            apiVersion: security.istio.io/v1beta1
            kind: AuthorizationPolicy
            metadata: {name: allow-api, namespace: team}
            spec:
              rules: [{to: [{operation: {paths: ["/api/*"]}}]}]
            """;

    @Test
    void multiDocumentFilesLoadAndChangesApplyOnTheNextScan(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        DirectoryPolicySource source = new DirectoryPolicySource(dir, store);
        Files.writeString(dir.resolve("team.yaml"), ALLOW_API + """
                ---
                # a comment-only document and a non-policy object are skipped
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: unrelated, namespace: team}
                ---
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: deny-secret, namespace: team}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/api/secret"]}}]}]
                """);
        assertThat(source.scan()).isTrue();
        assertThat(store.current().authorizationPolicies().size()).isEqualTo(2);
        assertThat(store.current().evaluate(req("team", "/api/x")).allowed()).isTrue();
        assertThat(store.current().evaluate(req("team", "/api/secret")).allowed()).isFalse();
        assertThat(store.current().evaluate(req("team", "/other")).allowed()).isFalse();
        assertThat(source.scan()).as("nothing changed").isFalse();

        Files.writeString(dir.resolve("team.yaml"), ALLOW_API.replace("/api/*", "/other"));
        Files.setLastModifiedTime(dir.resolve("team.yaml"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(source.scan()).isTrue();
        assertThat(store.current().evaluate(req("team", "/other")).allowed()).isTrue();
        assertThat(store.current().evaluate(req("team", "/api/secret")).allowed()).isFalse();

        Files.delete(dir.resolve("team.yaml"));
        assertThat(source.scan()).isTrue();
        assertThat(store.current().authorizationPolicies().size()).isZero();
    }

    @Test
    void anUnreadableDenyDeniesItsWholeScope(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: deny-admin, namespace: team}
                spec:
                  action: DENY
                  selector: {matchLabels: {app: web}}
                  rules:
                  - to: [{operation: {paths: ["/admin"]}}]
                    when: [{key: request.unknown.attribute, values: ["x"]}]
                """);
        new DirectoryPolicySource(dir, store).scan();
        PolicySet set = store.current();
        assertThat(set.rejections()).singleElement().satisfies(r -> {
            assertThat(r.policy()).isEqualTo("team/deny-admin");
            assertThat(r.reason()).contains("unsupported condition key 'request.unknown.attribute'");
            assertThat(r.stance()).isEqualTo("deny-all for namespace team workloads {app=web}");
        });
        var d = set.evaluate(req("team", "/public"), true);
        assertThat(d.allowed()).isFalse();
        assertThat(d.policy()).isEqualTo("team/deny-admin");
        assertThat(d.message()).contains("unreadable policy");
        PolicyRequest otherWorkload = PolicyRequest.builder()
                .destination(new Destination("team", "db", Map.of("app", "db"), "", 5432)).path("/").build();
        assertThat(set.evaluate(otherWorkload).allowed()).as("outside the selector").isTrue();
        assertThat(set.evaluate(req("elsewhere", "/")).allowed()).isTrue();
    }

    @Test
    void anUnreadableAllowGrantsNothingButStillMakesTheScopeDefaultDeny(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: allow-typo, namespace: team}
                spec:
                  rules: [{to: [{operation: {pathz: ["/x"]}}]}]
                """);
        new DirectoryPolicySource(dir, store).scan();
        PolicySet set = store.current();
        assertThat(set.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).contains("pathz");
            assertThat(r.stance()).startsWith("allow-nothing for namespace team");
        });
        assertThat(set.evaluate(req("team", "/x")).allowed()).isFalse();
    }

    @Test
    void aDocumentThatIsNotYamlFailsClosedForWhatCanBeReadOfIt(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        Files.writeString(dir.resolve("p.yaml"), ALLOW_API.replace("team", "other") + """
                ---
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata:
                  name: broken
                  namespace: team
                spec:
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/x"]}}]
                """);
        new DirectoryPolicySource(dir, store).scan();
        PolicySet set = store.current();
        assertThat(set.rejections()).singleElement().satisfies(r -> {
            assertThat(r.policy()).isEqualTo("team/broken");
            assertThat(r.reason()).startsWith("YAML syntax");
        });
        assertThat(set.evaluate(req("team", "/anything")).allowed()).isFalse();
        assertThat(set.evaluate(req("other", "/api/x")).allowed()).as("the good document still applies").isTrue();
    }

    @Test
    void checksNeverFailWhilePoliciesAreSwapped(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore("istio-system", "cluster.local");
        DirectoryPolicySource source = new DirectoryPolicySource(dir, store);
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, ALLOW_API);
        source.scan();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong checks = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        PolicySet s = store.current();
                        boolean a = s.evaluate(req("team", "/api/x")).allowed();
                        boolean b = s.evaluate(req("team", "/v2/x")).allowed();
                        // Each generation allows exactly one of the two paths: a mixture would allow both or none.
                        if (a == b) {
                            throw new AssertionError("generation " + s.generation() + " is half-applied");
                        }
                        checks.addAndGet(2);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            th.start();
            threads.add(th);
        }
        for (int i = 0; i < 40; i++) {
            Files.writeString(file, i % 2 == 0 ? ALLOW_API.replace("/api/*", "/v2/*") : ALLOW_API);
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 2)));
            assertThat(source.scan()).isTrue();
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(checks.get()).isPositive();
        assertThat(store.current().generation()).isEqualTo(41);
    }
}
