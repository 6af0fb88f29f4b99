package io.greenshank.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void spiffeIdParsesUriAndIstioPrincipalForms() {
        SpiffeId a = SpiffeId.parse("spiffe://cluster.local/ns/kubeflow/sa/default-editor").orElseThrow();
        SpiffeId b = SpiffeId.parse("cluster.local/ns/kubeflow/sa/default-editor").orElseThrow();
        assertThat(a).isEqualTo(b);
        assertThat(a.principal()).isEqualTo("cluster.local/ns/kubeflow/sa/default-editor");
        assertThat(a.uri()).isEqualTo("spiffe://cluster.local/ns/kubeflow/sa/default-editor");
    }

    @Test
    void spiffeIdRejectsOtherShapes() {
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/kubeflow")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/sa/x/ns/y")).isEmpty();
        assertThat(SpiffeId.parse("spiffe:///ns/a/sa/b")).isEmpty();
        assertThat(SpiffeId.parse("spiffe://td/ns/a/sa/b/extra")).isEmpty();
        assertThat(SpiffeId.parse(null)).isEmpty();
    }

    @Test
    void meshPeerBecomesItsKubernetesServiceAccount() {
        Identity id = Identity.ofMeshPeer(SpiffeId.parse("cluster.local/ns/team-a/sa/default-editor").orElseThrow());
        assertThat(id.user()).isEqualTo("system:serviceaccount:team-a:default-editor");
        assertThat(id.groups()).containsExactly(
                "system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
        assertThat(id.method()).isEqualTo(AuthMethod.MESH_MTLS);
        assertThat(id.requestPrincipal()).isEmpty();
    }

    @Test
    void serviceAccountUsernameRoundTrips() {
        assertThat(ServiceAccountName.fromUsername("system:serviceaccount:ns1:sa1"))
                .contains(new ServiceAccountName("ns1", "sa1"));
        assertThat(ServiceAccountName.fromUsername("system:serviceaccount:ns1")).isEmpty();
        assertThat(ServiceAccountName.fromUsername("alice@example.com")).isEmpty();
    }

    @Test
    void requestPrincipalIsIssuerSlashSubject() {
        Identity id = new Identity("alice@example.com", List.of("ml", "ml"), Optional.of("https://idp"),
                Optional.of("42"), Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());
        assertThat(id.requestPrincipal()).contains("https://idp/42");
        assertThat(id.groups()).containsExactly("ml");
    }

    @Test
    void identityToStringKeepsClaimsOut() {
        Identity id = new Identity("alice", List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                AuthMethod.PASSWORD, Map.of("secret", "do-not-log"), Optional.empty());
        assertThat(id.toString()).doesNotContain("do-not-log");
    }

    @Test
    void userIdMappingReadsConfiguredClaimsWithPrefix() {
        UserIdMapping m = new UserIdMapping("email", "oidc:", "groups", "oidc:");
        Map<String, Object> claims = Map.of("email", "alice@example.com", "groups", List.of("a", 7, "b"));
        assertThat(m.user(claims)).contains("oidc:alice@example.com");
        assertThat(m.groups(claims)).containsExactly("oidc:a", "oidc:b");
        assertThat(m.user(Map.of("email", List.of("x")))).isEmpty();
        assertThat(m.user(Map.of())).isEmpty();
    }

    @Test
    void identityHeadersAreLowerCaseAndDropCommaGroups() {
        IdentityHeaders h = new IdentityHeaders("Kubeflow-UserID", "Kubeflow-Groups", "accounts.google.com:");
        assertThat(h.names()).containsExactly("kubeflow-userid", "kubeflow-groups");
        Identity id = new Identity("bob", List.of("g1", "evil,admin", "g2", "bad\r\nx-injected: 1"), Optional.empty(), Optional.empty(),
                Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());
        assertThat(h.userValue(id)).isEqualTo("accounts.google.com:bob");
        assertThat(h.groupsValue(id)).isEqualTo("g1,g2");
        assertThat(h.userFromHeader("accounts.google.com:bob")).contains("bob");
        assertThat(h.userFromHeader("bob")).isEmpty();
        assertThatThrownBy(() -> new IdentityHeaders(" ", "g", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
