package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenshank.envoy.EnvoyOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One overlay installed ({@link RenderedInstall}) and reached as in a cluster ({@link MeshClients}), for a story
 * whose test methods run in order, each on the state the previous ones built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InstalledOverlayStory {

    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final ObjectMapper JSON = MeshClients.JSON;
    /** Three JVMs on a shared 2-core machine: C1 and the serial collector, on top of the Deployment's flags. */
    static final List<String> LIGHT = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1");

    RenderedInstall g;
    MeshClients mesh;

    /** Relative to deploy/, e.g. {@code overlays/kubeflow}. */
    abstract String overlay();

    /** How the story's clients reach the install (where its KFAM callers find the API). */
    abstract MeshClients clients(RenderedInstall install);

    @BeforeAll
    void install() throws Exception {
        long t0 = System.nanoTime();
        g = RenderedInstall.start(overlay(), Path.of("target", overlay().replace('/', '-')).toAbsolutePath(),
                Map.of(RenderedInstall.BRIDGE, LIGHT, RenderedInstall.CONTROLLER, LIGHT, RenderedInstall.AUTHZ, LIGHT));
        mesh = clients(g);
        System.out.printf("%s installed: up in %d ms; substitutions:%n  %s%n", overlay(),
                (System.nanoTime() - t0) / 1_000_000,
                String.join("\n  ", g.substitutions.stream().map(Object::toString).toList()));
    }

    @AfterAll
    void uninstall() throws Exception {
        if (mesh != null) {
            mesh.close();
        }
        if (g != null) {
            g.close();
        }
    }

    @Test
    @Order(0)
    void onlyWhatTheClusterSuppliesIsSubstituted() {
        g.assertOnlyWhatTheClusterSuppliesIsSubstituted();
    }

    /**
     * At the ingress gateway, {@code path} with alice's token and a forged user header reaches the upstream as alice
     * only (one {@code kubeflow-userid}, hers; the token stops at the gateway); without a token it is a 401.
     */
    EnvoyOutcome.Forwarded gatewayForwardsOnlyTheVerifiedUser(String path, String aliceToken, Map<String, String> forged) {
        EnvoyOutcome.Forwarded alice = forwarded(mesh.atTheGateway("GET", path, aliceToken, forged));
        assertThat(alice.upstream().headers().values("kubeflow-userid")).containsExactly(ALICE);
        assertThat(alice.upstream().headers().values("authorization")).as("the token stops at the gateway").isEmpty();
        EnvoyOutcome none = mesh.atTheGateway("GET", path, null, Map.of("kubeflow-userid", ALICE));
        assertThat(none.forwarded()).isFalse();
        assertThat(none.clientResponse().status()).isEqualTo(401);
        return alice;
    }

    static EnvoyOutcome.Forwarded forwarded(EnvoyOutcome o) {
        assertThat(o.forwarded()).as("%s", o).isTrue();
        return (EnvoyOutcome.Forwarded) o;
    }
}
