package io.greenshank.authz.policy.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyFixtures;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversion is checked by judging the same requests with the legacy policies and with their conversion. */
class LegacyConversionTest {

    private static final String LEGACY = """
            apiVersion: rbac.istio.io/v1alpha1
            kind: ClusterRbacConfig
            metadata: {name: default}
            spec:
              mode: ON_WITH_INCLUSION
              inclusion:
                namespaces: [kubeflow-alice, default]
            ---
            apiVersion: rbac.istio.io/v1alpha1
            kind: ServiceRole
            metadata: {name: ns-access-istio, namespace: kubeflow-alice}
            spec:
              rules:
              - services: ["*"]
            ---
            apiVersion: rbac.istio.io/v1alpha1
            kind: ServiceRoleBinding
            metadata: {name: owner-binding-istio, namespace: kubeflow-alice}
            spec:
              roleRef: {kind: ServiceRole, name: ns-access-istio}
              subjects:
              - properties:
                  request.headers[kubeflow-userid]: alice@example.com
              - properties:
                  source.principal: cluster.local/ns/kubeflow/sa/notebook-controller
            ---
            apiVersion: rbac.istio.io/v1alpha1
            kind: ServiceRole
            metadata: {name: reader, namespace: default}
            spec:
              rules:
              - services: ["productpage.default.svc.cluster.local"]
                methods: ["GET", "HEAD"]
                paths: ["/api/*", "/index.html"]
              - services: ["*"]
                not_paths: ["/admin*"]
                ports: [9080]
                constraints:
                - {key: "request.headers[x-version]", values: ["v2"]}
            ---
            apiVersion: rbac.istio.io/v1alpha1
            kind: ServiceRoleBinding
            metadata: {name: readers, namespace: default}
            spec:
              roleRef: {kind: ServiceRole, name: reader}
              subjects:
              - user: cluster.local/ns/default/sa/frontend
                namespaces: [default]
              - group: qa
              - names: ["cluster.local/ns/ci/*"]
                not_names: ["cluster.local/ns/ci/sa/untrusted"]
              - ips: ["10.8.0.0/16"]
            ---
            apiVersion: rbac.istio.io/v1alpha1
            kind: ServiceRoleBinding
            metadata: {name: other-ns-binding, namespace: not-under-rbac}
            spec:
              roleRef: {kind: ServiceRole, name: x}
              subjects: [{user: "*"}]
            """;

    private static List<PolicyRequest> grid() {
        List<PolicyRequest> out = new ArrayList<>();
        String[][] destinations = {{"kubeflow-alice", "nb"}, {"default", "productpage"}, {"default", "reviews"},
                {"not-under-rbac", "x"}, {"elsewhere", "y"}};
        String[] principals = {null, "cluster.local/ns/default/sa/frontend", "cluster.local/ns/ci/sa/builder",
                "cluster.local/ns/ci/sa/untrusted", "cluster.local/ns/kubeflow/sa/notebook-controller"};
        String[] users = {null, "alice@example.com", "bob@example.com"};
        String[] methods = {"GET", "POST"};
        String[] paths = {"/api/x", "/index.html", "/admin/panel", "/other"};
        String[] ips = {"10.8.1.1", "10.9.1.1"};
        String[] versions = {null, "v2"};
        for (String[] d : destinations) {
            for (String p : principals) {
                for (String u : users) {
                    for (String m : methods) {
                        for (String path : paths) {
                            for (String ip : ips) {
                                for (String v : versions) {
                                    for (List<String> groups : List.of(List.<String>of(), List.of("qa"))) {
                                        for (int port : new int[] {9080, 8080}) {
                                            Map<String, String> headers = new java.util.HashMap<>();
                                            if (u != null) {
                                                headers.put("kubeflow-userid", u);
                                            }
                                            if (v != null) {
                                                headers.put("x-version", v);
                                            }
                                            PolicyRequest.Builder b = PolicyRequest.builder()
                                                    .destination(new Destination(d[0], d[1], Map.of("app", d[1]), "",
                                                            port))
                                                    .sourcePrincipal(p).method(m).path(path).sourceIp(ip)
                                                    .headers(Map.copyOf(headers)).host(d[1]);
                                            if (!groups.isEmpty()) {
                                                b.identity(PolicyFixtures.jwt("https://idp", "s",
                                                        Map.of("groups", groups)));
                                            }
                                            out.add(b.build());
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void convertedPoliciesDecideEveryRequestAsTheLegacyOnesDid(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("legacy.yaml");
        Files.writeString(in, LEGACY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvertCommand.run(new String[] {"--service-selector",
                "productpage.default.svc.cluster.local=app=productpage", in.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String converted = out.toString(StandardCharsets.UTF_8);
        String messages = err.toString(StandardCharsets.UTF_8);
        assertThat(messages).contains("other-ns-binding").doesNotContain("NOT CONVERTED");
        assertThat(status).isZero();
        assertThat(converted).doesNotContain("rbac.istio.io");

        PolicySet legacy = PolicyFixtures.policies(LEGACY);
        PolicySet modern = PolicyFixtures.policies(converted);
        assertThat(modern.rejections()).isEmpty();
        assertThat(modern.legacy().bindingCount()).isZero();
        List<PolicyRequest> requests = grid();
        int allowedCount = 0;
        for (PolicyRequest r : requests) {
            boolean before = legacy.evaluate(r).allowed();
            boolean after = modern.evaluate(r).allowed();
            assertThat(after).as("%s %s %s principal=%s headers=%s ip=%s port=%d", r.destination().namespace(),
                    r.method(), r.path(), r.sourcePrincipal(), r.headers(), r.sourceIp(), r.destination().port())
                    .isEqualTo(before);
            allowedCount += after ? 1 : 0;
        }
        assertThat(allowedCount).as("the grid exercises both outcomes").isBetween(1, requests.size() - 1);
    }

    @Test
    void modeOnAndPermissiveBecomeAMeshWideAllowNothingAndDryRun() {
        String legacyYaml = """
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec: {mode: 'ON', enforcement_mode: PERMISSIVE}
                ---
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRole
                metadata: {name: r, namespace: default}
                spec:
                  rules: [{services: ["*"], methods: ["GET"]}]
                ---
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: b, namespace: default}
                spec:
                  roleRef: {kind: ServiceRole, name: r}
                  subjects: [{user: "*"}]
                """;
        PolicySet legacy = PolicyFixtures.policies(legacyYaml);
        ConversionResult result = convert(legacyYaml, Map.of());
        assertThat(result.complete()).isTrue();
        assertThat(result.policies()).extracting(p -> (Object) ((Map<?, ?>) p.get("metadata")).get("name"))
                .containsExactly("legacy-rbac-on", "b");
        assertThat(result.policies()).allSatisfy(p -> assertThat(((Map<?, ?>) p.get("metadata")).get("annotations"))
                .isEqualTo(Map.of("istio.io/dry-run", "true")));
        PolicySet modern = PolicyFixtures.policies(toYaml(result));
        PolicyRequest post = PolicyFixtures.request("default", Map.of()).method("POST").build();
        assertThat(legacy.evaluate(post).allowed()).isTrue();
        assertThat(modern.evaluate(post).allowed()).isTrue();
        String enforced = legacyYaml.replace(", enforcement_mode: PERMISSIVE", "");
        PolicySet legacyEnforced = PolicyFixtures.policies(enforced);
        PolicySet modernEnforced = PolicyFixtures.policies(toYaml(convert(enforced, Map.of())));
        for (String m : List.of("GET", "POST")) {
            for (String ns : List.of("default", "other")) {
                PolicyRequest r = PolicyFixtures.request(ns, Map.of()).method(m).build();
                assertThat(modernEnforced.evaluate(r).allowed()).as(ns + " " + m)
                        .isEqualTo(legacyEnforced.evaluate(r).allowed());
            }
        }
    }

    @Test
    void whatCannotConvertIsSaidPlainly() {
        ConversionResult result = convert("""
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec:
                  mode: ON_WITH_EXCLUSION
                  exclusion: {namespaces: [istio-system]}
                ---
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRole
                metadata: {name: r, namespace: default}
                spec:
                  rules:
                  - services: ["ratings.default.svc.cluster.local"]
                  - services: ["*"]
                    constraints: [{key: "destination.labels[app]", values: ["a", "b"]}]
                ---
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: b, namespace: default}
                spec:
                  roleRef: {kind: ServiceRole, name: r}
                  subjects:
                  - user: "*"
                  - properties: {source.user: legacy-field}
                """, Map.of());
        assertThat(result.complete()).isFalse();
        assertThat(result.notConverted()).anySatisfy(p -> assertThat(p).contains("ON_WITH_EXCLUSION")
                .contains("no 'every namespace except' scope"));
        assertThat(result.notConverted()).anySatisfy(p -> assertThat(p)
                .contains("service 'ratings.default.svc.cluster.local' needs a workload selector"));
        assertThat(result.notConverted()).anySatisfy(p -> assertThat(p)
                .contains("constraint destination.labels[app] with values [a, b] has no selector equivalent"));
        assertThat(result.notConverted()).anySatisfy(p -> assertThat(p)
                .contains("property 'source.user' has no AuthorizationPolicy equivalent"));
    }

    private static ConversionResult convert(String yaml, Map<String, Map<String, String>> selectors) {
        io.greenshank.authz.policy.legacy.ClusterRbacConfig config = null;
        List<io.greenshank.authz.policy.legacy.ServiceRole> roles = new ArrayList<>();
        List<io.greenshank.authz.policy.legacy.ServiceRoleBinding> bindings = new ArrayList<>();
        for (var e : new io.greenshank.authz.policy.source.PolicyDocuments("istio-system").parseYaml(yaml, "t")) {
            if (e instanceof io.greenshank.authz.policy.source.PolicyEntry.RbacConfig c) {
                config = c.config();
            } else if (e instanceof io.greenshank.authz.policy.source.PolicyEntry.Role r) {
                roles.add(r.role());
            } else if (e instanceof io.greenshank.authz.policy.source.PolicyEntry.Binding b) {
                bindings.add(b.binding());
            }
        }
        return new LegacyConverter("istio-system", "cluster.local", selectors).convert(config, roles, bindings);
    }

    private static String toYaml(ConversionResult r) {
        try {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            StringBuilder b = new StringBuilder();
            for (Map<String, Object> p : r.policies()) {
                b.append(mapper.writeValueAsString(p)).append('\n');
            }
            return b.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
