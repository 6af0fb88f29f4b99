package io.greenshank.identity.jwt;

import com.nimbusds.jose.jwk.RSAKey;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.UserIdMapping;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.greenshank.identity.jwt.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokenIdentityTest {

    static final RSAKey KEY = rsa("k1");

    @Test
    void user_and_groups_come_from_the_configured_claims_with_prefix() throws Exception {
        JwtVerifier v = verifier(issuer(jwks(KEY)).withMapping(new UserIdMapping("email", "oidc:", "groups", "g:")));
        Identity id = v.authenticate(sign(KEY, validClaims("alice@example.com")));
        assertThat(id.user()).isEqualTo("oidc:alice@example.com");
        assertThat(id.groups()).containsExactly("g:team-a", "g:team-b");
        assertThat(id.issuer()).contains(ISSUER);
        assertThat(id.subject()).contains("sub-alice@example.com");
        assertThat(id.method()).isEqualTo(AuthMethod.JWT);
        assertThat(id.requestPrincipal()).contains(ISSUER + "/sub-alice@example.com");
        assertThat(id.expiresAt()).isPresent();
    }

    @Test
    void missing_user_claim_is_a_precise_rejection() {
        Map<String, Object> c = validClaims("alice@example.com");
        c.remove("email");
        JwtVerifier v = verifier(issuer(jwks(KEY)));
        assertThatThrownBy(() -> v.authenticate(sign(KEY, c))).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.USER_CLAIM_MISSING));
    }

    @Test
    void kubernetes_service_account_token_is_just_another_issuer() throws Exception {
        String k8s = "https://kubernetes.default.svc.cluster.local";
        TrustedIssuer cluster = TrustedIssuer.of(k8s, List.of("greenshank"), new KeySource.Inline(jwks(KEY)))
                .withMapping(new UserIdMapping("sub", "", "groups", ""));
        JwtVerifier v = verifier(cluster);
        Map<String, Object> c = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        c.put("iss", k8s);
        c.put("aud", List.of("greenshank"));
        c.put("sub", "system:serviceaccount:team-a:pipeline-runner");
        c.put("exp", now + 3600);
        c.put("iat", now);
        c.put("nbf", now);
        c.put("kubernetes.io", Map.of("namespace", "team-a", "serviceaccount", Map.of("name", "pipeline-runner", "uid", "u1")));
        Identity id = v.authenticate(sign(KEY, c));
        assertThat(id.user()).isEqualTo("system:serviceaccount:team-a:pipeline-runner");
        assertThat(id.groups()).contains("system:serviceaccounts", "system:serviceaccounts:team-a");
    }
}
