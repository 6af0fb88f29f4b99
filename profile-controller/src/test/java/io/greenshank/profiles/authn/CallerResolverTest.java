package io.greenshank.profiles.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.identity.IdentityHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who the resolver says is calling, with delegation off (the default: nothing changes for anyone, and the dashboard's
 * principal gets a 401 saying why) and on. The XFCC values are what the controller's sidecar writes in Istio's inbound
 * {@code APPEND_FORWARD} mode: the client's own header (if any) and then {@code By=<us>;URI=<mTLS peer>} (see
 * src/envoy-model {@code ConnectionManager.mutateXfcc}, after Envoy's {@code mutateXfccRequestHeader}).
 */
class CallerResolverTest {

    static final String GW = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    static final String BY = "By=spiffe://cluster.local/ns/kubeflow/sa/profiles;";
    static final String FROM_DASHBOARD = BY + "URI=spiffe://" + Delegation.CENTRAL_DASHBOARD;
    static final IdentityHeaders HEADERS = new IdentityHeaders("kubeflow-userid", "kubeflow-groups", "");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    CallerResolver resolver(boolean delegationOn) {
        CallerAuthenticator people = new BearerOrMeshAuthenticator(
                Optional.of(r -> { throw new AuthenticationException("bearer token rejected: test"); }),
                Optional.of(new MeshHeaderAuthenticator(Set.of(GW), HEADERS)));
        return new CallerResolver(people, new Delegation(delegationOn, Set.of(Delegation.CENTRAL_DASHBOARD)), HEADERS,
                registry);
    }

    static CallerRequest request(Map<String, String> headers) {
        return new CallerRequest(headers::get);
    }

    @Test
    void withDelegationOffTheDashboardIsRefusedWithTheReasonAndEveryoneElseIsUnchanged() {
        CallerResolver off = resolver(false);
        assertThatThrownBy(() -> off.resolve(request(Map.of("x-forwarded-client-cert", FROM_DASHBOARD))))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("delegation.enabled=true").hasMessageContaining("only through its sidecar");
        // forwarding a user does not help either: the dashboard is not a trusted principal for the user header
        assertThatThrownBy(() -> off.resolve(request(Map.of("x-forwarded-client-cert", FROM_DASHBOARD,
                "kubeflow-userid", "alice@example.com")))).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("delegation.enabled=true");
        Caller gw = off.resolve(request(Map.of("x-forwarded-client-cert", BY + "URI=spiffe://" + GW,
                "kubeflow-userid", "alice@example.com")));
        assertThat(gw).isInstanceOfSatisfying(Caller.Person.class,
                p -> assertThat(p.identity().user()).isEqualTo("alice@example.com"));
    }

    @Test
    void withDelegationOnTheDashboardAloneIsADelegateAndWithAUserHeaderIsThatUser() {
        CallerResolver on = resolver(true);
        assertThat(on.resolve(request(Map.of("x-forwarded-client-cert", FROM_DASHBOARD))))
                .isInstanceOfSatisfying(Caller.Delegate.class,
                        d -> assertThat(d.peer().principal()).isEqualTo(Delegation.CENTRAL_DASHBOARD));
        assertThat(registry.counter("greenshank.profiles.delegated.calls", "principal", Delegation.CENTRAL_DASHBOARD)
                .count()).isEqualTo(1.0);
        Caller forwarded = on.resolve(request(Map.of("x-forwarded-client-cert", FROM_DASHBOARD,
                "kubeflow-userid", "alice@example.com", "kubeflow-groups", "ml")));
        assertThat(forwarded).isInstanceOfSatisfying(Caller.Person.class, p -> {
            assertThat(p.identity().user()).isEqualTo("alice@example.com");
            assertThat(p.identity().groups()).containsExactly("ml");
            assertThat(p.identity().meshPeer().orElseThrow().principal()).isEqualTo(Delegation.CENTRAL_DASHBOARD);
        });
    }

    @Test
    void onlyTheLastHopCountsAndAMalformedOrMissingHeaderIsNoDelegate() {
        CallerResolver on = resolver(true);
        // a workload that wrote the dashboard's URI itself: the sidecar appends the real peer after it
        String forged = "URI=spiffe://" + Delegation.CENTRAL_DASHBOARD + "," + BY
                + "URI=spiffe://cluster.local/ns/team-a/sa/default-editor";
        assertThatThrownBy(() -> on.resolve(request(Map.of("x-forwarded-client-cert", forged))))
                .isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> on.resolve(request(Map.of("x-forwarded-client-cert",
                "URI=\"spiffe://" + Delegation.CENTRAL_DASHBOARD)))).isInstanceOf(AuthenticationException.class);
        // a plaintext client: the sidecar removed any XFCC, so there is no peer at all
        assertThatThrownBy(() -> on.resolve(request(Map.of()))).isInstanceOf(AuthenticationException.class);
        // a URI with two values (repeated URI keys) is not one peer
        assertThatThrownBy(() -> on.resolve(request(Map.of("x-forwarded-client-cert", BY + "URI=spiffe://"
                + Delegation.CENTRAL_DASHBOARD + ";URI=spiffe://" + GW)))).isInstanceOf(AuthenticationException.class);
        assertThat(registry.find("greenshank.profiles.delegated.calls").counters()).isEmpty();
    }

    @Test
    void aBearerTokenSpeaksForItselfEvenFromTheDashboard() {
        CallerResolver on = resolver(true);
        assertThatThrownBy(() -> on.resolve(request(Map.of("authorization", "Bearer x.y.z",
                "x-forwarded-client-cert", FROM_DASHBOARD)))).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("bearer token rejected");
    }
}
