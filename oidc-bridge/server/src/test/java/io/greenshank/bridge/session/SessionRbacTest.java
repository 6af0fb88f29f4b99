package io.greenshank.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped Role grants exactly what the key ring and the session stores call: Secrets of the bridge's namespace,
 * get/list/create/update/delete, and watch for the watched device-code copy; no patch, no deletecollection, nothing
 * else (deploy's ManifestsTest keeps the rendered Role equal to this one).
 */
class SessionRbacTest {

    @Test
    void theRoleGrantsSecretsVerbsTheStoresUseAndNothingElse() throws Exception {
        List<HasMetadata> objects;
        try (InputStream in = SessionRbacTest.class.getResourceAsStream("/kubernetes/oidc-bridge-rbac.yaml")) {
            assertThat(in).isNotNull();
            objects = new KubernetesSerialization().unmarshal(in);
        }
        List<PolicyRule> rules = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .flatMap(r -> r.getRules().stream()).toList();
        assertThat(rules).hasSize(1);
        PolicyRule rule = rules.get(0);
        assertThat(rule.getApiGroups()).containsExactly("");
        assertThat(rule.getResources()).containsExactly("secrets");
        assertThat(rule.getResourceNames()).isNullOrEmpty();
        assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "create", "update", "delete");
    }
}
