package io.greenshank.authz.fault;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.greenshank.authz.policy.source.KubernetesPolicySource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts an {@link ApiServerStandIn} holding the first AuthorizationPolicy, before the sidecar starts (so its first
 * list already has it), and points the sidecar at the stand-in's fault proxy.
 */
public class FaultyApiServerResource implements QuarkusTestResourceLifecycleManager {

    private ApiServerStandIn apiServer;

    @Override
    public Map<String, String> start() {
        apiServer = new ApiServerStandIn();
        try (KubernetesClient direct = apiServer.server().createClient()) {
            apply(direct, ApiServerOutageProfile.policy(false));
        }
        return Map.of(
                "greenshank.authz.kubernetes.api-server-url", apiServer.proxiedUrl(),
                "test.apiserver.direct-url", apiServer.directUrl());
    }

    static void apply(KubernetesClient client, String yaml) {
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        client.genericKubernetesResources(KubernetesPolicySource.KINDS.get(0)).inNamespace(r.getMetadata().getNamespace())
                .resource(r).createOr(existing -> existing.update());
    }

    @Override
    public void stop() {
        if (apiServer != null) {
            apiServer.close();
        }
    }
}
