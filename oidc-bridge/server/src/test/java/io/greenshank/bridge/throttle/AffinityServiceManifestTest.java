package io.greenshank.bridge.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The shipped Service keeps a client address on one replica, at the bridge's HTTPS port, beside the RBAC. */
class AffinityServiceManifestTest {

    static InputStream resource(String path) {
        InputStream in = AffinityServiceManifestTest.class.getResourceAsStream(path);
        assertThat(in).as(path).isNotNull();
        return in;
    }

    @Test
    void theServicePinsAClientAddressToOneReplicaForLongerThanTheThrottleRemembers() throws Exception {
        KubernetesSerialization yaml = new KubernetesSerialization();
        Service service;
        try (InputStream in = resource("/kubernetes/oidc-bridge-service.yaml")) {
            service = yaml.unmarshal(in, Service.class);
        }
        assertThat(service.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
        long affinity = service.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
        Duration forgetAfter = Duration.parse(
                ThrottleConfig.class.getMethod("forgetAfter").getAnnotation(WithDefault.class).value());
        assertThat(Duration.ofSeconds(affinity)).isGreaterThan(forgetAfter);

        ServicePort port = service.getSpec().getPorts().get(0);
        assertThat(port.getTargetPort().getIntVal()).as("quarkus.http.ssl-port")
                .isEqualTo(Integer.parseInt(applicationProperties().getProperty("quarkus.http.ssl-port")));
        assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/name", "greenshank-oidc-bridge");

        List<HasMetadata> rbac;
        try (InputStream in = resource("/kubernetes/oidc-bridge-rbac.yaml")) {
            rbac = yaml.unmarshal(in);
        }
        assertThat(rbac).extracting(r -> r.getMetadata().getNamespace()).containsOnly(
                service.getMetadata().getNamespace());
    }

    static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = resource("/application.properties")) {
            p.load(in);
        }
        return p;
    }
}
