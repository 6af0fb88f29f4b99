package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicyEntry;
import io.greenshank.authz.policy.source.PolicyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The Istio and API-server side: every rendered AuthorizationPolicy goes through authz-service's own loader and
 * compiler (PolicyDocuments, PolicyStore) without rejection and decides as intended; the mesh extension provider,
 * the CUSTOM policy and the authz Service agree; the bridge's issuer URL and client are the same in the bridge,
 * authz-service and both API-server snippets; Kubeflow's dashboard finds KFAM where it looks.
 */
class IstioAndIssuerTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;
    static final String GATEWAY = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    static final String DASHBOARD = "cluster.local/ns/kubeflow/sa/centraldashboard";

    static PolicySet load(Rendered r) {
        PolicyDocuments docs = new PolicyDocuments("istio-system");
        List<PolicyEntry> entries = new ArrayList<>();
        for (JsonNode policy : r.trees("AuthorizationPolicy")) {
            PolicyEntry e = docs.parseNode(policy, r.dir + ":" + policy.path("metadata").path("name").asText());
            assertThat(e).as(policy.toString()).isInstanceOf(PolicyEntry.Istio.class);
            entries.add(e);
        }
        assertThat(entries).isNotEmpty();
        PolicySet set = new PolicyStore("istio-system", "cluster.local").replace("deploy", entries);
        assertThat(set.rejections()).isEmpty();
        return set;
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyAuthorizationPolicyLoadsIntoTheProductsPolicyEngine(String overlay) {
        Rendered r = Rendered.of(overlay);
        PolicySet set = load(r);
        assertThat(set.authorizationPolicies().size()).isEqualTo(r.trees("AuthorizationPolicy").size());

        // The CUSTOM policy hands gateway requests to authz-service; inside authz-service it is traced, never a deny.
        JsonNode custom = ManifestsTest.tree(r, "AuthorizationPolicy", "istio-system", "istio-ingressgateway-greenshank");
        assertThat(custom.path("spec").path("action").asText()).isEqualTo("CUSTOM");
        assertThat(custom.path("spec").path("selector").path("matchLabels").path("app").asText())
                .isEqualTo("istio-ingressgateway");
        Decision atGateway = set.evaluate(PolicyRequest.builder().sourceIp("203.0.113.7").method("GET")
                .host("kubeflow.example.com").path("/").destination(Destination.of("istio-system",
                        Map.of("app", "istio-ingressgateway"))).build());
        assertThat(atGateway.allowed()).as(atGateway.reason()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theMeshProviderTheCustomPolicyAndTheAuthzServiceAgree(String overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        JsonNode mesh = Rendered.YAML.readTree(Rendered.DEPLOY.resolve(overlay).resolve("istio/mesh-config.yaml").toFile());
        assertOnlyFields(mesh, "meshConfig", Set.of("extensionProviders"));
        assertThat(mesh.path("extensionProviders")).hasSize(1);
        JsonNode provider = mesh.path("extensionProviders").get(0);
        assertOnlyFields(provider, "extensionProviders[0]", Set.of("name", "envoyExtAuthzGrpc"));
        JsonNode grpc = provider.path("envoyExtAuthzGrpc");
        assertOnlyFields(grpc, "envoyExtAuthzGrpc", Set.of("service", "port", "timeout", "failOpen", "statusOnError",
                "includeRequestBodyInCheck", "clearRouteCache"));

        JsonNode custom = ManifestsTest.tree(r, "AuthorizationPolicy", "istio-system", "istio-ingressgateway-greenshank");
        assertThat(custom.path("spec").path("provider").path("name").asText()).isEqualTo(provider.path("name").asText());

        Deployment authz = r.deployment("greenshank-authz-service");
        String ns = authz.getMetadata().getNamespace();
        Service service = r.get(Service.class, ns, "greenshank-authz-service");
        assertThat(grpc.path("service").asText()).isEqualTo("greenshank-authz-service." + ns + ".svc.cluster.local");
        ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort() == grpc.path("port").asInt())
                .findFirst().orElseThrow(() -> new AssertionError("the Service has no port " + grpc.path("port")));
        assertThat(port.getName()).as("Istio reads the protocol from the port name").startsWith("grpc");
        int containerPort = authz.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> p.getName().equals(port.getTargetPort().getStrVal())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow();
        assertThat(String.valueOf(containerPort)).isEqualTo(r.environment(authz).get("GREENSHANK_AUTHZ_GRPC_PORT"));
        assertThat(grpc.path("failOpen").asBoolean(false)).as("an unreachable authz-service denies").isFalse();
        Duration timeout = Duration.parse("PT" + grpc.path("timeout").asText().toUpperCase());
        assertThat(timeout).as("above authz-service's own decision bound (deny.timeout 2s)")
                .isGreaterThan(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theBridgeIssuerIsTheSameEverywhereAndItsKeysComeFromTheInClusterService(String overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        Deployment bridge = r.deployment("greenshank-oidc-bridge");
        Map<String, String> bridgeEnv = r.environment(bridge);
        Map<String, String> authzEnv = r.environment(r.deployment("greenshank-authz-service"));
        String issuer = bridgeEnv.get("GREENSHANK_BRIDGE_ISSUER");
        assertThat(issuer).startsWith("https://");
        assertThat(authzEnv).containsEntry("GREENSHANK_AUTHZ_ISSUERS_BRIDGE_ISSUER", issuer);
        String inCluster = "https://greenshank-oidc-bridge." + bridge.getMetadata().getNamespace() + ".svc.cluster.local";
        assertThat(authzEnv).containsEntry("GREENSHANK_AUTHZ_ISSUERS_BRIDGE_JWKS_URL", inCluster + "/keys");
        assertThat(r.get(Service.class, bridge.getMetadata().getNamespace(), "greenshank-oidc-bridge").getSpec()
                .getPorts()).extracting(ServicePort::getPort).containsExactly(443);
        assertThat(authzEnv.get("GREENSHANK_AUTHZ_ISSUERS_BRIDGE_CA_FILE")).startsWith("/etc/greenshank/issuer-ca/");

        // The API server: structured configuration and legacy flags, both for the bridge's kubectl client.
        Path apiserver = Rendered.DEPLOY.resolve(overlay).resolve("apiserver");
        JsonNode auth = Rendered.YAML.readTree(apiserver.resolve("authentication-config.yaml").toFile());
        assertOnlyFields(auth, "AuthenticationConfiguration", Set.of("apiVersion", "kind", "jwt", "anonymous"));
        assertThat(auth.path("apiVersion").asText()).isIn("apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1");
        assertThat(auth.path("kind").asText()).isEqualTo("AuthenticationConfiguration");
        assertThat(auth.path("jwt")).hasSize(1);
        JsonNode jwt = auth.path("jwt").get(0);
        assertOnlyFields(jwt, "jwt[0]", Set.of("issuer", "claimValidationRules", "claimMappings", "userValidationRules"));
        assertOnlyFields(jwt.path("issuer"), "issuer", Set.of("url", "discoveryURL", "certificateAuthority", "audiences",
                "audienceMatchPolicy"));
        assertOnlyFields(jwt.path("claimMappings"), "claimMappings", Set.of("username", "groups", "uid", "extra"));
        for (String mapping : List.of("username", "groups")) {
            JsonNode m = jwt.path("claimMappings").path(mapping);
            assertOnlyFields(m, mapping, Set.of("claim", "prefix", "expression"));
            assertThat(m.has("prefix")).as(mapping + ": the API server requires prefix with claim").isTrue();
        }
        for (JsonNode rule : jwt.path("claimValidationRules")) {
            assertOnlyFields(rule, "claimValidationRules[]", Set.of("claim", "requiredValue", "expression", "message"));
        }
        assertThat(jwt.path("issuer").path("url").asText()).isEqualTo(issuer);
        assertThat(jwt.path("claimMappings").path("username").path("claim").asText()).isEqualTo("email");
        assertThat(jwt.path("claimMappings").path("username").path("prefix").asText()).as("Profiles name bare e-mails").isEmpty();
        assertThat(jwt.path("claimMappings").path("groups").path("claim").asText()).isEqualTo("groups");
        List<String> audiences = new ArrayList<>();
        jwt.path("issuer").path("audiences").forEach(a -> audiences.add(a.asText()));

        Map<String, String> flags = new java.util.HashMap<>();
        for (String line : Rendered.read(apiserver.resolve("oidc-flags.txt")).lines().toList()) {
            if (line.startsWith("--")) {
                String[] kv = line.substring(2).split("=", 2);
                flags.put(kv[0], kv[1]);
            }
        }
        assertThat(flags.keySet()).allMatch(f -> f.startsWith("oidc-"));
        assertThat(flags).containsEntry("oidc-issuer-url", issuer).containsEntry("oidc-username-claim", "email")
                .containsEntry("oidc-username-prefix", "-").containsEntry("oidc-groups-claim", "groups");
        assertThat(audiences).containsExactly(flags.get("oidc-client-id"));

        // That client exists at the bridge and may do what kubectl-greenshank asks (token exchange, password).
        String client = audiences.get(0).toUpperCase().replaceAll("[^A-Z0-9]", "_");
        assertThat(bridgeEnv.get("GREENSHANK_BRIDGE_CLIENTS_" + client + "_GRANT_TYPES"))
                .contains("urn:ietf:params:oauth:grant-type:token-exchange").contains("password").contains("refresh_token");
        // Its access tokens also carry the audience authz-service accepts at the gateway.
        Set<String> authzAudiences = new TreeSet<>(List.of(authzEnv.get("GREENSHANK_AUTHZ_ISSUERS_BRIDGE_AUDIENCES").split(",")));
        assertThat(List.of(bridgeEnv.get("GREENSHANK_BRIDGE_CLIENTS_" + client + "_AUDIENCES").split(",")))
                .containsAnyElementsOf(authzAudiences);
    }

    @Test
    void kubeflowsDashboardFindsKfamAtProfilesKfamKubeflow8081AndOnlyItMayCallIt() throws Exception {
        Rendered r = Rendered.of("overlays/kubeflow");
        Service kfam = r.get(Service.class, "kubeflow", "profiles-kfam");
        assertThat(kfam.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8081));
        Deployment controller = r.deployment("greenshank-profile-controller");
        assertThat(controller.getMetadata().getNamespace()).isEqualTo("kubeflow");
        assertThat(controller.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(kfam.getSpec().getSelector())
                .containsEntry("kustomize.component", "profiles")
                .containsEntry("sidecar.istio.io/inject", "true");
        // The dashboard calls http://profiles-kfam.kubeflow:8081/kfam/v1/...: the controller serves that prefix.
        Class<?> kfamResource = Class.forName("io.greenshank.profiles.sharing.KfamResource");
        assertThat(kfamResource.getAnnotation(jakarta.ws.rs.Path.class).value()).startsWith("/kfam/v1");

        Map<String, String> env = r.environment(controller);
        assertThat(env.get("GREENSHANK_PROFILES_AUTHN_TRUSTED_PRINCIPALS")).isEqualTo(DASHBOARD);
        assertThat(env.get("GREENSHANK_PROFILES_AUTHN_DELEGATION_ENABLED")).isEqualTo("true");

        // Through the product's own engine: the dashboard reaches the controller, another workload does not.
        PolicySet set = load(r);
        Destination pod = Destination.of("kubeflow", controller.getSpec().getTemplate().getMetadata().getLabels());
        Decision dashboard = set.evaluate(PolicyRequest.builder().sourcePrincipal(DASHBOARD).sourceNamespace("kubeflow")
                .method("GET").path("/kfam/v1/bindings").destination(pod).build());
        assertThat(dashboard.allowed()).as(dashboard.reason()).isTrue();
        Decision other = set.evaluate(PolicyRequest.builder()
                .sourcePrincipal("cluster.local/ns/kubeflow-user-example-com/sa/default-editor")
                .sourceNamespace("kubeflow-user-example-com").method("GET").path("/kfam/v1/bindings").destination(pod)
                .build());
        assertThat(other.allowed()).as(other.reason()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void thePeerAuthenticationIsStrictAndSelectsTheController(String overlay) {
        Rendered r = Rendered.of(overlay);
        Deployment controller = r.deployment("greenshank-profile-controller");
        JsonNode pa = ManifestsTest.tree(r, "PeerAuthentication", controller.getMetadata().getNamespace(),
                "greenshank-profile-controller");
        assertThat(pa.path("apiVersion").asText()).isIn("security.istio.io/v1beta1", "security.istio.io/v1");
        assertOnlyFields(pa, "PeerAuthentication", Set.of("apiVersion", "kind", "metadata", "spec"));
        assertOnlyFields(pa.path("spec"), "spec", Set.of("selector", "mtls", "portLevelMtls"));
        assertOnlyFields(pa.path("spec").path("selector"), "selector", Set.of("matchLabels"));
        assertOnlyFields(pa.path("spec").path("mtls"), "mtls", Set.of("mode"));
        assertThat(pa.path("spec").path("mtls").path("mode").asText()).isEqualTo("STRICT");
        Map<String, String> labels = controller.getSpec().getTemplate().getMetadata().getLabels();
        pa.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(labels).containsEntry(e.getKey(), e.getValue().asText()));
    }

    static void assertOnlyFields(JsonNode node, String where, Set<String> allowed) {
        assertThat(node.isObject()).as(where + " is an object").isTrue();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            assertThat(allowed).as(where + ": unknown field " + f).contains(f);
        }
    }


}
