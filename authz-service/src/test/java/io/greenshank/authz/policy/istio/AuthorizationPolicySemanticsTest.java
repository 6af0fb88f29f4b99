package io.greenshank.authz.policy.istio;

import static io.greenshank.authz.policy.PolicyFixtures.jwt;
import static io.greenshank.authz.policy.PolicyFixtures.policies;
import static io.greenshank.authz.policy.PolicyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's documented AuthorizationPolicy behaviour, one rule per test. */
class AuthorizationPolicySemanticsTest {

    private static String policy(String name, String ns, String spec) {
        return """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata:
                  name: %s
                  namespace: %s
                spec:
                %s
                ---
                """.formatted(name, ns, spec.indent(2));
    }

    private static boolean allowed(PolicySet set, PolicyRequest r) {
        return set.evaluate(r).allowed();
    }

    @Test
    void denyIsEvaluatedBeforeAllow() {
        PolicySet set = policies(policy("allow-all", "foo", "rules: [{}]")
                + policy("deny-admin", "foo", """
                action: DENY
                rules:
                - to: [{operation: {paths: ["/admin*"]}}]"""));
        Decision d = set.evaluate(request().path("/admin/x").build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.action()).isEqualTo(Action.DENY);
        assertThat(d.policy()).isEqualTo("foo/deny-admin");
        assertThat(d.rule()).isZero();
        assertThat(allowed(set, request().path("/public").build())).isTrue();
    }

    @Test
    void noAllowPolicyInScopeMeansAllow() {
        PolicySet set = policies(policy("deny-x", "foo", """
                action: DENY
                rules: [{to: [{operation: {paths: ["/x"]}}]}]"""));
        Decision d = set.evaluate(request().path("/y").build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("no-allow-policy");
        assertThat(allowed(policies(""), request().build())).isTrue();
    }

    @Test
    void emptySpecAllowsNothing() {
        PolicySet set = policies(policy("allow-nothing", "foo", "{}"));
        Decision d = set.evaluate(request().build());
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("no-allow-policy-matched");
        assertThat(d.trace()).extracting(t -> t.policy()).containsExactly("foo/allow-nothing");
    }

    @Test
    void ruleWithNothingAllowsEverything() {
        PolicySet set = policies(policy("allow-all", "foo", "rules: [{}]"));
        assertThat(allowed(set, request().method("DELETE").path("/anything").build())).isTrue();
        PolicySet denyAll = policies(policy("deny-all", "foo", "action: DENY\nrules: [{}]"));
        assertThat(allowed(denyAll, request().build())).isFalse();
    }

    @Test
    void rootNamespacePolicyAppliesMeshWide() {
        PolicySet set = policies(policy("mesh-deny", "istio-system", """
                action: DENY
                rules: [{to: [{operation: {methods: ["TRACE"]}}]}]"""));
        assertThat(allowed(set, request("foo", Map.of()).method("TRACE").build())).isFalse();
        assertThat(allowed(set, request("bar", Map.of()).method("TRACE").build())).isFalse();
        assertThat(allowed(set, request("bar", Map.of()).method("GET").build())).isTrue();
        PolicySet nsOnly = policies(policy("ns-deny", "foo", """
                action: DENY
                rules: [{to: [{operation: {methods: ["TRACE"]}}]}]"""));
        assertThat(allowed(nsOnly, request("bar", Map.of()).method("TRACE").build())).isTrue();
    }

    @Test
    void selectorMatchesDestinationWorkloadLabels() {
        PolicySet set = policies(policy("httpbin-only", "foo", """
                selector: {matchLabels: {app: httpbin, version: v1}}
                rules: [{to: [{operation: {methods: ["GET"]}}]}]"""));
        assertThat(allowed(set, request("foo", Map.of("app", "httpbin", "version", "v1")).method("POST").build()))
                .isFalse();
        assertThat(allowed(set, request("foo", Map.of("app", "httpbin", "version", "v2")).method("POST").build()))
                .as("a workload the selector does not match has no ALLOW policy").isTrue();
        PolicySet meshSelector = policies(policy("gw", "istio-system", """
                selector: {matchLabels: {istio: ingressgateway}}
                action: DENY
                rules: [{}]"""));
        assertThat(allowed(meshSelector, request("any", Map.of("istio", "ingressgateway")).build())).isFalse();
        assertThat(allowed(meshSelector, request("any", Map.of("app", "x")).build())).isTrue();
    }

    @Test
    void auditMarksButNeverDecides() {
        PolicySet set = policies(policy("audit", "foo", "action: AUDIT\nrules: [{}]"));
        Decision d = set.evaluate(request().build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.audited()).isTrue();
    }

    @Test
    void customIsTracedAndDoesNotDecide() {
        PolicySet set = policies(policy("ext", "foo", """
                action: CUSTOM
                provider: {name: greenshank}
                rules: [{}]"""));
        Decision d = set.evaluate(request().build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.trace()).singleElement().satisfies(t -> {
            assertThat(t.action()).isEqualTo(Action.CUSTOM);
            assertThat(t.matched()).isTrue();
        });
    }

    @Test
    void principalsAndNotPrincipals() {
        PolicySet set = policies(policy("p", "foo", """
                rules:
                - from: [{source: {principals: ["cluster.local/ns/default/sa/sleep", "cluster.local/ns/ops/*"]}}]"""));
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/default/sa/sleep").build())).isTrue();
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/ops/sa/any").build())).isTrue();
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/default/sa/other").build())).isFalse();
        assertThat(allowed(set, request().build())).as("no mTLS peer").isFalse();
        PolicySet not = policies(policy("np", "foo", """
                rules: [{from: [{source: {notPrincipals: ["*"]}}]}]"""));
        assertThat(allowed(not, request().build())).as("notPrincipals * = plaintext callers").isTrue();
        assertThat(allowed(not, request().sourcePrincipal("cluster.local/ns/a/sa/b").build())).isFalse();
    }

    @Test
    void requestPrincipalsAreIssuerSlashSubject() {
        PolicySet set = policies(policy("rp", "foo", """
                rules: [{from: [{source: {requestPrincipals: ["https://issuer.example/alice"]}}]}]"""));
        assertThat(allowed(set, request().identity(jwt("https://issuer.example", "alice", Map.of())).build())).isTrue();
        assertThat(allowed(set, request().identity(jwt("https://issuer.example", "bob", Map.of())).build())).isFalse();
        assertThat(allowed(set, request().build())).isFalse();
        PolicySet any = policies(policy("rp", "foo", """
                rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]"""));
        assertThat(allowed(any, request().identity(jwt("i", "s", Map.of())).build())).isTrue();
        assertThat(allowed(any, request().build())).as("requestPrincipals * requires a token").isFalse();
        PolicySet not = policies(policy("deny-anon", "foo", """
                action: DENY
                rules: [{from: [{source: {notRequestPrincipals: ["*"]}}]}]"""));
        assertThat(allowed(not, request().build())).isFalse();
        assertThat(allowed(not, request().identity(jwt("i", "s", Map.of())).build())).isTrue();
    }

    @Test
    void namespacesAndNotNamespaces() {
        PolicySet set = policies(policy("ns", "foo", """
                rules: [{from: [{source: {namespaces: ["test"]}}]}]"""));
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/test/sa/x").build())).isTrue();
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/prod/sa/x").build())).isFalse();
        PolicySet not = policies(policy("ns", "foo", """
                action: DENY
                rules: [{from: [{source: {notNamespaces: ["foo"]}}]}]"""));
        assertThat(allowed(not, request().sourcePrincipal("cluster.local/ns/bar/sa/x").build())).isFalse();
        assertThat(allowed(not, request().sourcePrincipal("cluster.local/ns/foo/sa/x").build())).isTrue();
    }

    @Test
    void ipBlocksMatchTheDirectPeerAndRemoteIpBlocksTheOriginalClient() {
        PolicySet set = policies(policy("ip", "foo", """
                rules: [{from: [{source: {ipBlocks: ["10.1.0.0/16", "192.168.1.7"]}}]}]"""));
        assertThat(allowed(set, request().sourceIp("10.1.200.3").build())).isTrue();
        assertThat(allowed(set, request().sourceIp("192.168.1.7").build())).isTrue();
        assertThat(allowed(set, request().sourceIp("10.2.0.1").build())).isFalse();
        assertThat(allowed(set, request().sourceIp("10.2.0.1").remoteIp("10.1.0.1").build()))
                .as("ipBlocks ignore X-Forwarded-For").isFalse();
        PolicySet remote = policies(policy("rip", "foo", """
                rules: [{from: [{source: {remoteIpBlocks: ["203.0.113.0/24"], notRemoteIpBlocks: ["203.0.113.66"]}}]}]"""));
        assertThat(allowed(remote, request().sourceIp("10.0.0.1").remoteIp("203.0.113.5").build())).isTrue();
        assertThat(allowed(remote, request().sourceIp("10.0.0.1").remoteIp("203.0.113.66").build())).isFalse();
        assertThat(allowed(remote, request().sourceIp("203.0.113.5").remoteIp("198.51.100.1").build())).isFalse();
        PolicySet v6 = policies(policy("v6", "foo", """
                rules: [{from: [{source: {notIpBlocks: ["2001:db8::/32"]}}]}]"""));
        assertThat(allowed(v6, request().sourceIp("2001:db8::1").build())).isFalse();
        assertThat(allowed(v6, request().sourceIp("2001:db9::1").build())).isTrue();
    }

    @Test
    void hostsAreCaseInsensitiveAndThePortIsPartOfTheHost() {
        PolicySet set = policies(policy("h", "foo", """
                rules: [{to: [{operation: {hosts: ["Example.COM", "*.apps.example.com", "api.example.com:8443"]}}]}]"""));
        assertThat(allowed(set, request().host("example.com").build())).isTrue();
        assertThat(allowed(set, request().host("EXAMPLE.com").build())).isTrue();
        assertThat(allowed(set, request().host("nb.apps.example.com").build())).isTrue();
        assertThat(allowed(set, request().host("api.example.com:8443").build())).isTrue();
        assertThat(allowed(set, request().host("api.example.com").build()))
                .as("a host listed with a port does not match without it").isFalse();
        assertThat(allowed(set, request().host("example.com:443").build()))
                .as("as in Istio, a host without a port does not match a request that names one").isFalse();
        PolicySet withAnyPort = policies(policy("h", "foo", """
                rules: [{to: [{operation: {hosts: ["example.com", "example.com:*"]}}]}]"""));
        assertThat(allowed(withAnyPort, request().host("example.com:443").build())).isTrue();
        PolicySet not = policies(policy("h", "foo", """
                action: DENY
                rules: [{to: [{operation: {notHosts: ["good.example.com"]}}]}]"""));
        assertThat(allowed(not, request().host("GOOD.example.com").build())).isTrue();
        assertThat(allowed(not, request().host("evil.example.com").build())).isFalse();
    }

    @Test
    void portsMatchTheDestinationPort() {
        PolicySet set = policies(policy("p", "foo", """
                rules: [{to: [{operation: {ports: ["8080"], notPorts: ["9090"]}}]}]"""));
        assertThat(allowed(set, request().build())).isTrue();
        PolicyRequest other = PolicyRequest.builder()
                .destination(new Destination("foo", "svc", Map.of(), "10.0.0.9", 9000)).build();
        assertThat(allowed(set, other)).isFalse();
    }

    @Test
    void methodsAndNotMethods() {
        PolicySet set = policies(policy("m", "foo", """
                rules: [{to: [{operation: {methods: ["GET", "HEAD"]}}]}]"""));
        assertThat(allowed(set, request().method("GET").build())).isTrue();
        assertThat(allowed(set, request().method("POST").build())).isFalse();
        assertThat(allowed(set, request().method("get").build())).as("methods are case-sensitive").isFalse();
        PolicySet not = policies(policy("m", "foo", """
                rules: [{to: [{operation: {notMethods: ["DELETE"]}}]}]"""));
        assertThat(allowed(not, request().method("DELETE").build())).isFalse();
        assertThat(allowed(not, request().method("PUT").build())).isTrue();
    }

    @Test
    void pathsExactPrefixSuffixAndPresence() {
        PolicySet set = policies(policy("p", "foo", """
                rules: [{to: [{operation: {paths: ["/exact", "/api/*", "*.css"]}}]}]"""));
        assertThat(allowed(set, request().path("/exact").build())).isTrue();
        assertThat(allowed(set, request().path("/exact/more").build())).isFalse();
        assertThat(allowed(set, request().path("/api/v1/x").build())).isTrue();
        assertThat(allowed(set, request().path("/static/site.css").build())).isTrue();
        assertThat(allowed(set, request().path("/other").build())).isFalse();
        PolicySet any = policies(policy("p", "foo", "rules: [{to: [{operation: {paths: [\"*\"]}}]}]"));
        assertThat(allowed(any, request().path("/whatever").build())).isTrue();
        PolicySet not = policies(policy("p", "foo", """
                action: DENY
                rules: [{to: [{operation: {notPaths: ["/healthz"]}}]}]"""));
        assertThat(allowed(not, request().path("/healthz").build())).isTrue();
        assertThat(allowed(not, request().path("/data").build())).isFalse();
    }

    @Test
    void pathTemplatesMatchOneOrManySegments() {
        PolicySet set = policies(policy("t", "foo", """
                rules: [{to: [{operation: {paths: ["/notebook/{*}/{*}/api", "/files/{**}"]}}]}]"""));
        assertThat(allowed(set, request().path("/notebook/alice/nb1/api").build())).isTrue();
        assertThat(allowed(set, request().path("/notebook/alice/nb1/x/api").build())).isFalse();
        assertThat(allowed(set, request().path("/notebook//nb1/api").build())).as("{*} needs a segment").isFalse();
        assertThat(allowed(set, request().path("/files/a/b/c").build())).isTrue();
        assertThat(allowed(set, request().path("/files/").build())).isTrue();
        assertThat(allowed(set, request().path("/files").build())).as("the '/' before {**} is literal").isFalse();
        assertThat(allowed(set, request().path("/filesystem").build())).isFalse();
    }

    /**
     * Istio's API reference (Operation.paths) and Envoy's uri_template matcher: literals after {@code {**}} are valid
     * and must match the end of the path; {@code {**}} may span zero segments, which leaves the two slashes around it.
     */
    @Test
    void literalSegmentsAfterTheMultiSegmentOperator() {
        PolicySet set = policies(policy("t", "foo", """
                rules: [{to: [{operation: {paths: ["/shop/{**}/basket", "/files/{**}/", "/api/{*}/v1/{**}/items/x.json"]}}]}]"""));
        assertThat(set.rejections()).isEmpty();
        assertThat(allowed(set, request().path("/shop/a/basket").build())).isTrue();
        assertThat(allowed(set, request().path("/shop/a/b/c/basket").build())).isTrue();
        assertThat(allowed(set, request().path("/shop//basket").build())).as("{**} spans zero segments").isTrue();
        assertThat(allowed(set, request().path("/shop/basket").build())).isFalse();
        assertThat(allowed(set, request().path("/shop/a/basket/x").build())).isFalse();
        assertThat(allowed(set, request().path("/shop/a/basketx").build())).isFalse();
        assertThat(allowed(set, request().path("/files/a/b/").build())).isTrue();
        assertThat(allowed(set, request().path("/files//").build())).isTrue();
        assertThat(allowed(set, request().path("/files/a/b.txt").build())).as("the template ends in '/'").isFalse();
        assertThat(allowed(set, request().path("/files/").build())).as("'/files/' + '' + '/' is '/files//'")
                .isFalse();
        assertThat(allowed(set, request().path("/api/t1/v1/items/x.json").build()))
                .as("'/api/t1/v1/' + '' + '/items' needs '//'").isFalse();
        assertThat(allowed(set, request().path("/api/t1/v1//items/x.json").build())).isTrue();
        assertThat(allowed(set, request().path("/api/t1/v1/a/b/items/x.json").build())).isTrue();
        assertThat(allowed(set, request().path("/api/t1/t2/v1/a/items/x.json").build())).isFalse();
        // in a DENY the same template is the same match
        PolicySet deny = policies(policy("d", "foo", """
                action: DENY
                rules: [{to: [{operation: {paths: ["/shop/{**}/admin"]}}]}]"""));
        assertThat(allowed(deny, request().path("/shop/x/y/admin").build())).isFalse();
        assertThat(allowed(deny, request().path("/shop/x/y/admins").build())).isTrue();
    }

    /** Envoy's globs match RFC 3986 pchars except '*' and '=' (uri_template_internal.cc, kLiteral). */
    @Test
    void templateOperatorsMatchOnlyEnvoysGlobCharacters() {
        PolicySet set = policies(policy("t", "foo", """
                rules: [{to: [{operation: {paths: ["/a/{*}", "/b/{**}"]}}]}]"""));
        assertThat(allowed(set, request().path("/a/x-y_z.~%20!$&'()+,;:@").build())).isTrue();
        assertThat(allowed(set, request().path("/a/x=1").build())).isFalse();
        assertThat(allowed(set, request().path("/a/x*").build())).isFalse();
        assertThat(allowed(set, request().path("/b/c/d=e").build())).isFalse();
        assertThat(allowed(set, request().path("/b/c/d e").build())).isFalse();
        assertThat(allowed(set, request().path("/b/c/d/").build())).isTrue();
    }

    /** Istio's CheckValidPathTemplate (pkg/config/security): what it refuses, this refuses (allow-nothing). */
    @Test
    void invalidPathTemplatesAreRejectedAsIstioRejectsThem() {
        for (String bad : new String[] {"/{**}/foo/{*}", "/{**}/{**}", "/{**}/x/{**}/y", "/media/{**}.mpd",
                "/foo/{*}.txt", "/foo/{**}buzz/bar", "/{*}/foo/{}/bar", "/foo/{*}/bar/*", "/foo/{*}/bar/**/buzz",
                "/foo/{buzz}/bar", "/{buzz}", "/foo/{buzz=*}/bar/{**}", "/{*}/foo/{temp", "/{*}/foo/temp}/bar",
                "/{*}/foo/?abc", "/a//{*}", "{*}/a"}) {
            PolicySet set = policies(policy("bad", "foo", "rules: [{to: [{operation: {paths: [\"" + bad + "\"]}}]}]"));
            assertThat(set.rejections()).as(bad).singleElement();
            assertThat(allowed(set, request().path("/media/a.mpd").build())).as(bad).isFalse();
        }
        PolicySet last = policies(policy("bad", "foo", "rules: [{to: [{operation: {paths: [\"/{**}/x/{*}\"]}}]}]"));
        assertThat(last.rejections()).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("must be the last operator"));
        for (String good : new String[] {"/{*}/foo", "/{*}/foo/", "/foo/{**}/bar", "/foo/bar/{**}", "/a=b/{*}"}) {
            assertThat(policies(policy("ok", "foo", "rules: [{to: [{operation: {paths: [\"" + good + "\"]}}]}]"))
                    .rejections()).as(good).isEmpty();
        }
    }

    @Test
    void whenRequestHeaders() {
        PolicySet set = policies(policy("h", "foo", """
                rules:
                - when:
                  - key: request.headers[X-Tenant]
                    values: ["team-*"]"""));
        assertThat(allowed(set, request().headers(Map.of("x-tenant", "team-a")).build())).isTrue();
        assertThat(allowed(set, request().headers(Map.of("x-tenant", "other")).build())).isFalse();
        assertThat(allowed(set, request().build())).isFalse();
    }

    @Test
    void whenSourceRemoteAndDestinationIp() {
        PolicySet set = policies(policy("ip", "foo", """
                rules:
                - when:
                  - {key: source.ip, values: ["10.0.0.0/8"]}
                  - {key: remote.ip, notValues: ["198.51.100.0/24"]}
                  - {key: destination.ip, values: ["10.0.0.9"]}"""));
        assertThat(allowed(set, request().sourceIp("10.3.3.3").remoteIp("203.0.113.1").build())).isTrue();
        assertThat(allowed(set, request().sourceIp("10.3.3.3").remoteIp("198.51.100.9").build())).isFalse();
        assertThat(allowed(set, request().sourceIp("11.3.3.3").build())).isFalse();
    }

    @Test
    void whenSourceNamespaceAndPrincipal() {
        PolicySet set = policies(policy("s", "foo", """
                rules:
                - when:
                  - {key: source.namespace, values: ["kubeflow"]}
                  - {key: source.principal, values: ["cluster.local/ns/kubeflow/sa/*"]}"""));
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/kubeflow/sa/ui").build())).isTrue();
        assertThat(allowed(set, request().sourcePrincipal("cluster.local/ns/other/sa/ui").build())).isFalse();
    }

    @Test
    void whenRequestAuthPrincipalAudiencesAndPresenter() {
        PolicySet set = policies(policy("a", "foo", """
                rules:
                - when:
                  - {key: request.auth.principal, values: ["https://idp/alice"]}
                  - {key: request.auth.audiences, values: ["kubeflow"]}
                  - {key: request.auth.presenter, values: ["web-app"]}"""));
        assertThat(allowed(set, request().identity(jwt("https://idp", "alice",
                Map.of("aud", List.of("other", "kubeflow"), "azp", "web-app"))).build())).isTrue();
        assertThat(allowed(set, request().identity(jwt("https://idp", "alice",
                Map.of("aud", "other", "azp", "web-app"))).build())).isFalse();
        assertThat(allowed(set, request().identity(jwt("https://idp", "alice",
                Map.of("aud", "kubeflow", "azp", "cli"))).build())).isFalse();
    }

    @Test
    void whenNestedClaimsAndListClaims() {
        PolicySet set = policies(policy("c", "foo", """
                rules:
                - when:
                  - {key: "request.auth.claims[realm][role]", values: ["admin"]}
                  - {key: "request.auth.claims[groups]", values: ["ml-*"]}"""));
        Map<String, Object> ok = Map.of("realm", Map.of("role", "admin"), "groups", List.of("dev", "ml-team"));
        assertThat(allowed(set, request().identity(jwt("i", "s", ok)).build())).isTrue();
        Map<String, Object> wrongRole = Map.of("realm", Map.of("role", "user"), "groups", List.of("ml-team"));
        assertThat(allowed(set, request().identity(jwt("i", "s", wrongRole)).build())).isFalse();
        Map<String, Object> noGroup = Map.of("realm", Map.of("role", "admin"), "groups", List.of("dev"));
        assertThat(allowed(set, request().identity(jwt("i", "s", noGroup)).build())).isFalse();
    }

    @Test
    void whenDestinationPortAndSni() {
        PolicySet set = policies(policy("c", "foo", """
                rules:
                - when:
                  - {key: destination.port, values: ["8080"]}
                  - {key: connection.sni, values: ["*.svc.cluster.local"]}"""));
        assertThat(allowed(set, request().sni("httpbin.foo.svc.cluster.local").build())).isTrue();
        assertThat(allowed(set, request().sni("evil.example").build())).isFalse();
        assertThat(allowed(set, request().build())).isFalse();
    }

    @Test
    void valuesAndNotValuesMustBothHold() {
        PolicySet set = policies(policy("v", "foo", """
                rules:
                - when:
                  - key: request.headers[x-env]
                    values: ["prod-*"]
                    notValues: ["prod-legacy"]"""));
        assertThat(allowed(set, request().headers(Map.of("x-env", "prod-eu")).build())).isTrue();
        assertThat(allowed(set, request().headers(Map.of("x-env", "prod-legacy")).build())).isFalse();
    }

    @Test
    void dryRunPoliciesAreEvaluatedAndTracedButNeverEnforced() {
        PolicySet set = policies("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata:
                  name: shadow-deny
                  namespace: foo
                  annotations: {"istio.io/dry-run": "true"}
                spec:
                  action: DENY
                  rules: [{}]
                """);
        Decision d = set.evaluate(request().build());
        assertThat(d.allowed()).isTrue();
        assertThat(d.trace()).singleElement().satisfies(t -> {
            assertThat(t.dryRun()).isTrue();
            assertThat(t.matched()).isTrue();
        });
        PolicySet shadowAllow = policies("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata:
                  name: shadow-allow-nothing
                  namespace: foo
                  annotations: {"istio.io/dry-run": "true"}
                spec: {}
                """);
        assertThat(allowed(shadowAllow, request().build()))
                .as("a dry-run ALLOW does not switch the workload to default-deny").isTrue();
    }

    @Test
    void fromToAndWhenAreAndedWhileListsAreOred() {
        PolicySet set = policies(policy("and", "foo", """
                rules:
                - from: [{source: {namespaces: ["a"]}}, {source: {namespaces: ["b"]}}]
                  to: [{operation: {methods: ["GET"], paths: ["/x"]}}]"""));
        assertThat(allowed(set, request().sourceNamespace("b").method("GET").path("/x").build())).isTrue();
        assertThat(allowed(set, request().sourceNamespace("b").method("POST").path("/x").build())).isFalse();
        assertThat(allowed(set, request().sourceNamespace("c").method("GET").path("/x").build())).isFalse();
    }

    @Test
    void explainNamesWhyEachRuleFailed() {
        PolicySet set = policies(policy("owner", "foo", """
                rules:
                - when: [{key: "request.headers[kubeflow-userid]", values: ["alice@example.com"]}]"""));
        Decision d = set.evaluate(request().headers(Map.of("kubeflow-userid", "bob@example.com")).build(), true);
        assertThat(d.allowed()).isFalse();
        assertThat(d.trace()).singleElement().satisfies(t -> assertThat(t.detail())
                .contains("rule 0: when: request.headers[kubeflow-userid] in [alice@example.com]")
                .contains("'bob@example.com'"));
    }
}
