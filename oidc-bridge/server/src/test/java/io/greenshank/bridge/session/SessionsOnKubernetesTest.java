package io.greenshank.bridge.session;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.Secret;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real {@code /token} endpoint with sessions kept in Secrets of a (mock, CRUD) Kubernetes API. */
@QuarkusTest
@TestProfile(SessionsOnKubernetesTest.Profile.class)
@WithKubernetesTestServer(crud = true)
class SessionsOnKubernetesTest {

    static final String NS = "bridge-sessions";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("greenshank.bridge.sessions.store", "kubernetes",
                    "greenshank.bridge.sessions.namespace", NS);
        }
    }

    @KubernetesTestServer
    KubernetesServer kubernetes;

    static Response token(Map<String, String> form) {
        return given().formParams(form).post("/token");
    }

    List<Secret> families() {
        return kubernetes.getClient().secrets().inNamespace(NS)
                .withLabel(SecretSessionStore.KIND_LABEL, "refresh-family").list().getItems();
    }

    @Test
    void passwordLoginThenRefreshThenReuseIsRefusedAndEndsTheFamily() {
        Response login = token(Map.of("grant_type", "password", "client_id", "kubectl", "username", "alice",
                "password", "alice-password", "scope", "openid groups"));
        login.then().statusCode(200);
        String first = login.jsonPath().getString("refresh_token");
        assertThat(families()).as("the family is a Secret").hasSize(1);

        Response refreshed = token(Map.of("grant_type", "refresh_token", "client_id", "kubectl",
                "refresh_token", first));
        refreshed.then().statusCode(200);
        String second = refreshed.jsonPath().getString("refresh_token");
        assertThat(second).isNotEqualTo(first);

        token(Map.of("grant_type", "refresh_token", "client_id", "kubectl", "refresh_token", first))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        token(Map.of("grant_type", "refresh_token", "client_id", "kubectl", "refresh_token", second))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertThat(families()).as("reuse deleted the family").isEmpty();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("greenshank_bridge_session_store_operations_total{")
                && l.contains("kind=\"refresh-family\"") && l.contains("operation=\"replace\"")
                && l.contains("outcome=\"ok\"")).toList()).as("the rotation is counted").hasSize(1);
    }
}
