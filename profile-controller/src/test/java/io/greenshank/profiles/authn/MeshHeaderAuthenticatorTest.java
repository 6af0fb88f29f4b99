package io.greenshank.profiles.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshHeaderAuthenticatorTest {

    static final String GW = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    final MeshHeaderAuthenticator auth = new MeshHeaderAuthenticator(Set.of(GW),
            new IdentityHeaders("kubeflow-userid", "kubeflow-groups", "accounts.google.com:"));

    static CallerRequest request(Map<String, String> headers) {
        return new CallerRequest(headers::get);
    }

    @Test
    void parsesQuotedValuesAndSeveralHops() {
        ForwardedClientCert xfcc = ForwardedClientCert.parse(
                "By=spiffe://a/ns/x/sa/y;Hash=1;Subject=\"CN=a,O=b;c\";URI=spiffe://a/ns/p/sa/q,"
                        + "By=spiffe://a/ns/x/sa/y;URI=spiffe://" + GW).orElseThrow();
        assertThat(xfcc.elements()).hasSize(2);
        assertThat(xfcc.elements().get(0)).containsEntry("subject", "CN=a,O=b;c");
        assertThat(xfcc.lastPeerUri()).contains("spiffe://" + GW);
        assertThat(ForwardedClientCert.parse("URI=\"open")).isEmpty();
        assertThat(ForwardedClientCert.parse("novalue;URI=x")).isEmpty();
    }

    @Test
    void trustsTheHeaderFromTheGatewayAndStripsThePrefix() {
        Identity id = auth.authenticate(request(Map.of("kubeflow-userid", "accounts.google.com:alice@example.com",
                "kubeflow-groups", "a, b,,c", "x-forwarded-client-cert", "URI=spiffe://" + GW)));
        assertThat(id.user()).isEqualTo("alice@example.com");
        assertThat(id.groups()).containsExactly("a", "b", "c");
        assertThat(id.method()).isEqualTo(AuthMethod.TRUSTED_HEADER);
        assertThat(id.meshPeer().orElseThrow().principal()).isEqualTo(GW);
    }

    @Test
    void refusesEverythingElse() {
        assertThatThrownBy(() -> auth.authenticate(request(Map.of())))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("no bearer token");
        assertThatThrownBy(() -> auth.authenticate(request(Map.of("kubeflow-userid", "accounts.google.com:a@x"))))
                .hasMessageContaining("only from the mesh");
        assertThatThrownBy(() -> auth.authenticate(request(Map.of("kubeflow-userid", "accounts.google.com:a@x",
                "x-forwarded-client-cert", "URI=spiffe://cluster.local/ns/default/sa/default"))))
                .hasMessageContaining("not a trusted principal");
        assertThatThrownBy(() -> auth.authenticate(request(Map.of("kubeflow-userid", "a@x",
                "x-forwarded-client-cert", "URI=spiffe://" + GW))))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> auth.authenticate(request(Map.of("kubeflow-userid", "accounts.google.com:a@x",
                "x-forwarded-client-cert", "URI=not-a-spiffe-id"))))
                .hasMessageContaining("only from the mesh");
    }

    @Test
    void aBearerRequestIsNeverRetriedAsAHeaderIdentity() {
        BearerOrMeshAuthenticator chain = new BearerOrMeshAuthenticator(java.util.Optional.empty(), java.util.Optional.of(auth));
        assertThatThrownBy(() -> chain.authenticate(request(Map.of("authorization", "Bearer x.y.z",
                "kubeflow-userid", "accounts.google.com:a@x", "x-forwarded-client-cert", "URI=spiffe://" + GW))))
                .hasMessageContaining("bearer tokens are not accepted");
    }
}
