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
        assertThat(r.remoteIp()).as("no trusted hops configured: the peer, never the client-written XFF")
                .isEqualTo("10.0.0.7");
        assertThat(r.host()).isEqualTo("kubeflow.example.com");
        assertThat(r.path()).isEqualTo("/a/c");
        assertThat(r.sni()).isEqualTo("kubeflow.example.com");
        assertThat(r.requestPrincipal()).isEqualTo("https://idp/a");
        assertThatThrownBy(() -> requests().build(check("/a%00", Map.of(), Map.of()), Optional.empty()))
                .isInstanceOf(RejectedPathException.class);
    }

    private static PolicyRequests requests(int hops) throws Exception {
        return new PolicyRequests(new PathNormalizer(PathNormalization.BASE), RouteTable.empty(), SIDECAR,
                IdentityHeaders.KUBEFLOW_DEFAULT, hops);
    }

    private static String remote(int hops, String xff) throws Exception {
        Map<String, String> headers = xff == null ? Map.of() : Map.of("x-forwarded-for", xff);
        return requests(hops).build(check("/", headers, Map.of()), Optional.empty()).request().remoteIp();
    }

    /**
     * The worked example of docs/authz-service.md: client 203.0.113.7 (which forges "10.0.0.1") → load balancer
     * 198.51.100.10 (appends the client) → Istio gateway, use_remote_address: true, xff_num_trusted_hops: 1 (appends
     * its peer, the load balancer) → ext_authz. Envoy's remote address is the client; so is ours with hops = 1.
     */
    @Test
    void remoteIpIsTheEntryTrustedHopsFromTheRightAsEnvoyComputesIt() throws Exception {
        String xff = "10.0.0.1, 203.0.113.7, 198.51.100.10";
        assertThat(remote(0, xff)).as("0 hops: the peer").isEqualTo("10.0.0.7");
        assertThat(remote(1, xff)).isEqualTo("203.0.113.7");
        assertThat(remote(2, xff)).as("one hop too many trusts the forged entry, as Envoy would").isEqualTo("10.0.0.1");
        assertThat(remote(3, xff)).as("too short: the peer").isEqualTo("10.0.0.7");
        assertThat(remote(1, null)).as("no header: the peer").isEqualTo("10.0.0.7");
        assertThat(remote(1, "198.51.100.10")).as("only the gateway's own append: the peer").isEqualTo("10.0.0.7");
        assertThat(remote(1, "2001:db8::7,198.51.100.10")).isEqualTo("2001:db8::7");
    }

    @Test
    void anUnparseableTrustedEntryFallsBackToThePeer() throws Exception {
        for (String xff : new String[] {"garbage, 198.51.100.10", "203.0.113.7:443, 1.1.1.1", "[2001:db8::7], 1.1.1.1",
                ", 1.1.1.1", "unknown,1.1.1.1", "203.0.113.07,1.1.1.1", "203.0.113.256,1.1.1.1", "fe80::1%eth0,1.1.1.1",
                "localhost,1.1.1.1", "\u0000,1.1.1.1", "203.0.113.7 203.0.113.8,1.1.1.1"}) {
            assertThat(remote(1, xff)).as(xff).isEqualTo("10.0.0.7");
        }
        assertThat(remote(1, " \t203.0.113.7 ,1.1.1.1")).as("whitespace is trimmed").isEqualTo("203.0.113.7");
        assertThat(remote(1, "203.0.113.7,,1.1.1.1")).as("an empty entry is an entry").isEqualTo("10.0.0.7");
        assertThat(remote(1, "1.1.1.1,203.0.113.7,")).as("the empty last entry is the one skipped, as in Envoy")
                .isEqualTo("203.0.113.7");
    }

    @Test
    void aPrependedAddressCannotDodgeANotRemoteIpBlocksDeny() throws Exception {
        io.greenshank.authz.policy.PolicySet deny = io.greenshank.authz.policy.PolicyFixtures.policies("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: office-only, namespace: team}
                spec:
                  action: DENY
                  rules: [{from: [{source: {notRemoteIpBlocks: ["192.0.2.0/24"]}}]}]
                """);
        // the caller (198.51.100.66) writes an office address first; the gateway appends the caller, then its peer
        String forged = "192.0.2.10, 198.51.100.66, 10.0.0.3";
        PolicyRequest r = requests(1).build(check("/", Map.of("x-forwarded-for", forged), Map.of()), Optional.empty())
                .request();
        assertThat(r.remoteIp()).isEqualTo("198.51.100.66");
        assertThat(deny.evaluate(r).allowed()).isFalse();
        PolicyRequest office = requests(1).build(check("/", Map.of("x-forwarded-for", "192.0.2.10, 10.0.0.3"),
                Map.of()), Optional.empty()).request();
        assertThat(deny.evaluate(office).allowed()).isTrue();
        // with no trusted hop the peer (10.0.0.7) is not in the office block: denied whatever the header says
        PolicyRequest untrusted = requests(0).build(check("/", Map.of("x-forwarded-for", "192.0.2.10"), Map.of()),
                Optional.empty()).request();
        assertThat(deny.evaluate(untrusted).allowed()).isFalse();
    }

    @Test
    void xffOfAnyLengthCostsOnlyItsLastEntries() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            b.append("10.").append(i % 250).append(".0.1, ");
        }
        b.append("203.0.113.7, 198.51.100.10");
        String huge = b.toString();
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertThat(io.greenshank.authz.mesh.ForwardedFor.entryFromRight(huge, 1)).isEqualTo("203.0.113.7");
        }
        assertThat(System.nanoTime() - t0).as("1000 reads of a 3 MB header").isLessThan(2_000_000_000L);
        assertThat(remote(Integer.MAX_VALUE, "1.1.1.1,2.2.2.2")).isEqualTo("10.0.0.7");
        assertThat(remote(5, ",,,,,,,,,,")).isEqualTo("10.0.0.7");
        assertThatThrownBy(() -> requests(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
