package io.greenshank.authz.policy.legacy;

import static io.greenshank.authz.policy.PolicyFixtures.jwt;
import static io.greenshank.authz.policy.PolicyFixtures.policies;
import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio 1.0–1.5 rbac.istio.io/v1alpha1 behaviour as documented, one rule per test. */
class LegacyRbacSemanticsTest {

    static String config(String spec) {
        return """
                apiVersion: rbac.istio.io/v1alpha1
                kind: ClusterRbacConfig
                metadata: {name: default}
                spec:
                %s
                ---
                """.formatted(spec.indent(2));
    }

    static String role(String ns, String name, String rules) {
        return """
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRole
                metadata: {name: %s, namespace: %s}
                spec:
                  rules:
                %s
                ---
                """.formatted(name, ns, rules.indent(2));
    }

    static String binding(String ns, String name, String role, String subjects, String extra) {
        return """
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: %s, namespace: %s}
                spec:
                  roleRef: {kind: ServiceRole, name: %s}
                  subjects:
                %s
                %s
                ---
                """.formatted(name, ns, role, subjects.indent(2), extra.indent(2));
    }

    static PolicyRequest.Builder req(String ns, String service) {
        return PolicyRequest.builder().destination(new Destination(ns, service, Map.of("app", service), "10.0.0.5", 9080))
                .method("GET").path("/").host(service);
    }

    private static final String VIEWER = role("default", "viewer", """
            - services: ["*"]
              methods: ["GET"]""");
    private static final String ALICE = binding("default", "alice-viewer", "viewer", """
            - user: "cluster.local/ns/default/sa/alice\"""", "");

    @Test
    void modeOffAllowsEverything() {
        PolicySet set = policies(config("mode: 'OFF'") + VIEWER + ALICE);
        assertThat(set.evaluate(req("default", "productpage").method("DELETE").build()).allowed()).isTrue();
    }

    @Test
    void modeOnDeniesUnlessABindingGrants() {
        PolicySet set = policies(config("mode: 'ON'") + VIEWER + ALICE);
        assertThat(set.evaluate(req("default", "productpage").sourcePrincipal("cluster.local/ns/default/sa/alice").build())
                .allowed()).isTrue();
        Decision d = set.evaluate(req("default", "productpage").sourcePrincipal("cluster.local/ns/default/sa/bob").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("RBAC: access denied");
        assertThat(set.evaluate(req("other", "x").sourcePrincipal("cluster.local/ns/default/sa/alice").build())
                .allowed()).as("bindings only grant in their own namespace").isFalse();
    }

    @Test
    void onWithInclusionCoversOnlyListedNamespacesAndServices() {
        PolicySet set = policies(config("""
                mode: ON_WITH_INCLUSION
                inclusion:
                  namespaces: ["default"]
                  services: ["ratings.prod.svc.cluster.local"]""") + VIEWER);
        assertThat(set.evaluate(req("default", "a").build()).allowed()).isFalse();
        assertThat(set.evaluate(req("prod", "ratings").build()).allowed()).isFalse();
        assertThat(set.evaluate(req("prod", "reviews").build()).allowed()).isTrue();
    }

    @Test
    void onWithExclusionCoversEverythingButListed() {
        PolicySet set = policies(config("""
                mode: ON_WITH_EXCLUSION
                exclusion:
                  namespaces: ["istio-system"]""") + VIEWER);
        assertThat(set.evaluate(req("istio-system", "a").build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "a").build()).allowed()).isFalse();
    }

    @Test
    void enforcementModePermissiveEvaluatesButAllows() {
        PolicySet set = policies(config("mode: 'ON'\nenforcement_mode: PERMISSIVE") + VIEWER + ALICE);
        Decision d = set.evaluate(req("default", "p").sourcePrincipal("cluster.local/ns/default/sa/bob").build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("legacy-permissive");
        assertThat(d.message()).contains("would deny");
    }

    @Test
    void bindingModePermissiveIsLoggedNotEnforced() {
        PolicySet set = policies(config("mode: 'ON'") + VIEWER
                + binding("default", "shadow", "viewer", "- user: \"*\"", "mode: PERMISSIVE"));
        Decision d = set.evaluate(req("default", "p").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.trace()).anySatisfy(t -> {
            assertThat(t.policy()).isEqualTo("default/shadow");
            assertThat(t.dryRun()).isTrue();
            assertThat(t.matched()).isTrue();
        });
    }

    @Test
    void roleRuleServicesHostsPathsMethodsAndPorts() {
        PolicySet set = policies(config("mode: 'ON'") + role("default", "r", """
                - services: ["product*"]
                  hosts: ["Shop.example.com"]
                  paths: ["/api/*", "/health"]
                  methods: ["GET", "POST"]
                  ports: [9080]""") + binding("default", "b", "r", "- user: \"*\"", ""));
        PolicyRequest ok = req("default", "productpage").host("shop.example.com").path("/api/items").build();
        assertThat(set.evaluate(ok).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "reviews").host("shop.example.com").path("/api/x").build()).allowed())
                .isFalse();
        assertThat(set.evaluate(req("default", "productpage").host("other").path("/api/x").build()).allowed()).isFalse();
        assertThat(set.evaluate(req("default", "productpage").host("shop.example.com").path("/admin").build())
                .allowed()).isFalse();
        assertThat(set.evaluate(req("default", "productpage").host("shop.example.com").path("/health")
                .method("DELETE").build()).allowed()).isFalse();
        PolicyRequest otherPort = PolicyRequest.builder().host("shop.example.com").path("/health")
                .destination(new Destination("default", "productpage", Map.of(), "", 80)).build();
        assertThat(set.evaluate(otherPort).allowed()).isFalse();
    }

    @Test
    void roleRuleNegatedFields() {
        PolicySet set = policies(config("mode: 'ON'") + role("default", "r", """
                - services: ["*"]
                  not_paths: ["/admin*"]
                  not_methods: ["DELETE"]
                  not_hosts: ["internal.example.com"]
                  not_ports: [15000]""") + binding("default", "b", "r", "- user: \"*\"", ""));
        assertThat(set.evaluate(req("default", "p").path("/x").build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "p").path("/admin/x").build()).allowed()).isFalse();
        assertThat(set.evaluate(req("default", "p").method("DELETE").build()).allowed()).isFalse();
        assertThat(set.evaluate(req("default", "p").host("INTERNAL.example.com").build()).allowed()).isFalse();
    }

    @Test
    void roleConstraints() {
        PolicySet set = policies(config("mode: 'ON'") + role("default", "r", """
                - services: ["*"]
                  constraints:
                  - {key: "destination.labels[app]", values: ["ratings"]}
                  - {key: "request.headers[x-version]", values: ["v2"]}""")
                + binding("default", "b", "r", "- user: \"*\"", ""));
        assertThat(set.evaluate(req("default", "ratings").headers(Map.of("x-version", "v2")).build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "reviews").headers(Map.of("x-version", "v2")).build()).allowed()).isFalse();
        assertThat(set.evaluate(req("default", "ratings").headers(Map.of("x-version", "v1")).build()).allowed()).isFalse();
    }

    @Test
    void subjectKubeflowUserHeaderAndEmailClaimProperties() {
        PolicySet set = policies(config("mode: 'ON'") + role("kubeflow-alice", "ns-access-istio", "- services: [\"*\"]")
                + binding("kubeflow-alice", "owner-binding-istio", "ns-access-istio", """
                - properties:
                    request.headers[kubeflow-userid]: alice@example.com
                - properties:
                    request.auth.claims[email]: alice@example.com""", ""));
        assertThat(set.evaluate(req("kubeflow-alice", "nb").headers(Map.of("kubeflow-userid", "alice@example.com"))
                .build()).allowed()).isTrue();
        assertThat(set.evaluate(req("kubeflow-alice", "nb").identity(jwt("i", "s", Map.of("email", "alice@example.com")))
                .build()).allowed()).isTrue();
        assertThat(set.evaluate(req("kubeflow-alice", "nb").headers(Map.of("kubeflow-userid", "bob@example.com"))
                .build()).allowed()).isFalse();
    }

    @Test
    void subjectGroupsNamesNamespacesAndIps() {
        PolicySet set = policies(config("mode: 'ON'") + VIEWER + binding("default", "b", "viewer", """
                - group: admins
                - groups: ["ml-*"]
                  not_groups: ["ml-banned"]
                - names: ["cluster.local/ns/ci/sa/runner"]
                - namespaces: ["monitoring"]
                  ips: ["10.9.0.0/16"]""", ""));
        assertThat(set.evaluate(req("default", "p").identity(jwt("i", "s", Map.of("groups", List.of("admins"))))
                .build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "p").identity(jwt("i", "s", Map.of("groups", List.of("ml-x"))))
                .build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "p").identity(jwt("i", "s", Map.of("groups", List.of("ml-banned"))))
                .build()).allowed()).isFalse();
        assertThat(set.evaluate(req("default", "p").sourcePrincipal("cluster.local/ns/ci/sa/runner").build())
                .allowed()).isTrue();
        assertThat(set.evaluate(req("default", "p").sourcePrincipal("cluster.local/ns/monitoring/sa/prom")
                .sourceIp("10.9.1.1").build()).allowed()).isTrue();
        assertThat(set.evaluate(req("default", "p").sourcePrincipal("cluster.local/ns/monitoring/sa/prom")
                .sourceIp("10.8.1.1").build()).allowed()).isFalse();
    }

    @Test
    void roleReferenceByRoleFieldAndMissingRoleGrantsNothing() {
        PolicySet set = policies(config("mode: 'ON'") + VIEWER + """
                apiVersion: rbac.istio.io/v1alpha1
                kind: ServiceRoleBinding
                metadata: {name: by-role-field, namespace: default}
                spec:
                  role: /ServiceRole/viewer
                  subjects: [{user: "*"}]
                ---
                """ + binding("default", "dangling", "nope", "- user: \"*\"", ""));
        assertThat(set.evaluate(req("default", "p").build()).allowed()).isTrue();
        assertThat(set.rejections()).anySatisfy(r -> assertThat(r.reason()).contains("default/nope not found"));
    }

    @Test
    void authorizationPolicyTakesPrecedenceOverLegacyForAWorkload() {
        PolicySet set = policies(config("mode: 'ON'") + """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: allow-get, namespace: default}
                spec:
                  rules: [{to: [{operation: {methods: ["GET"]}}]}]
                """);
        Decision d = set.evaluate(req("default", "p").build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.policy()).isEqualTo("default/allow-get");
    }
}
