package io.greenshank.authz.policy.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.path.PathNormalization;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.path.RejectedPathException;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.route.RouteTable;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a Check becomes the engine's request: destination precedence, identity headers, principals, addresses. */
class PolicyRequestsTest {

    private static final PolicyConfig.Destination SIDECAR = new PolicyConfig.Destination() {
        @Override
        public String namespace() {
            return "team";
        }

        @Override
        public Optional<String> service() {
            return Optional.of("web");
        }

        @Override
        public Map<String, String> labels() {
            return Map.of("app", "web");
        }
    };

    private static PolicyRequests requests() throws Exception {
        return new PolicyRequests(new PathNormalizer(PathNormalization.MERGE_SLASHES), RouteTable.parseYaml("""
                routes:
                - path: /notebook/{namespace}/{name}/**
                  destination: {namespace: "{namespace}", service: "{name}", labels: {notebook-name: "{name}"}}
                """), SIDECAR, IdentityHeaders.KUBEFLOW_DEFAULT);
    }

    private static CheckAttributes check(String path, Map<String, String> headers, Map<String, String> ext) {
        return new CheckAttributes("grpc", "GET", "https", "Kubeflow.Example.com", path, "", headers,
                new CheckAttributes.Peer("spiffe://cluster.local/ns/istio-system/sa/gateway", "10.0.0.7", 41000),
                new CheckAttributes.Peer("", "10.0.0.9", 8080), "kubeflow.example.com", ext);
    }

    private static Identity alice() {
        return new Identity("alice@example.com", List.of("ml", "admins"), Optional.of("https://idp"),
                Optional.of("a"), Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());
    }

    @Test
    void contextExtensionsBeatTheRouteTableWhichBeatsTheSidecarsOwnWorkload() throws Exception {
        PolicyRequest ext = requests().build(check("/notebook/ns1/nb/", Map.of(), Map.of(
                PolicyRequests.EXT_NAMESPACE, "from-ext", PolicyRequests.EXT_SERVICE, "svc",
                PolicyRequests.EXT_LABELS, "app=x, version=v2")), Optional.empty()).request();
        assertThat(ext.destination().namespace()).isEqualTo("from-ext");
        assertThat(ext.destination().labels()).isEqualTo(Map.of("app", "x", "version", "v2"));
        PolicyRequest routed = requests().build(check("/notebook/ns1/nb/", Map.of(), Map.of()), Optional.empty())
                .request();
        assertThat(routed.destination().namespace()).isEqualTo("ns1");
        assertThat(routed.destination().labels()).isEqualTo(Map.of("notebook-name", "nb"));
        assertThat(routed.destination().port()).isEqualTo(8080);
        PolicyRequest own = requests().build(check("/other", Map.of(), Map.of()), Optional.empty()).request();
        assertThat(own.destination().namespace()).isEqualTo("team");
        assertThat(own.destination().labels()).isEqualTo(Map.of("app", "web"));
    }

    @Test
    void identityHeadersAreJudgedAsTheUpstreamWillSeeThem() throws Exception {
        Map<String, String> smuggled = Map.of("kubeflow-userid", "root@example.com", "kubeflow-groups", "admins",
                "x-other", "kept");
        PolicyRequest anonymous = requests().build(check("/", smuggled, Map.of()), Optional.empty()).request();
        assertThat(anonymous.headers()).doesNotContainKeys("kubeflow-userid", "kubeflow-groups")
                .containsEntry("x-other", "kept");
        PolicyRequest authenticated = requests().build(check("/", smuggled, Map.of()), Optional.of(alice())).request();
        assertThat(authenticated.headers()).containsEntry("kubeflow-userid", "alice@example.com")
                .containsEntry("kubeflow-groups", "ml,admins");
    }

    @Test
    void principalsAddressesHostAndPathAreInIstiosForm() throws Exception {
        PolicyRequest r = requests().build(check("//a/./b/../c", Map.of("x-forwarded-for", "203.0.113.9, 10.0.0.1"),
                Map.of()), Optional.of(alice())).request();
        assertThat(r.sourcePrincipal()).isEqualTo("cluster.local/ns/istio-system/sa/gateway");
        assertThat(r.sourceNamespace()).isEqualTo("istio-system");
        assertThat(r.sourceIp()).isEqualTo("10.0.0.7");
        assertThat(r.remoteIp()).isEqualTo("203.0.113.9");
        assertThat(r.host()).isEqualTo("kubeflow.example.com");
        assertThat(r.path()).isEqualTo("/a/c");
        assertThat(r.sni()).isEqualTo("kubeflow.example.com");
        assertThat(r.requestPrincipal()).isEqualTo("https://idp/a");
        assertThatThrownBy(() -> requests().build(check("/a%00", Map.of(), Map.of()), Optional.empty()))
                .isInstanceOf(RejectedPathException.class);
    }
}
