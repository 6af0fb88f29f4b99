package io.greenshank.profiles.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.greenshank.profiles.reconcile.ControllerMetrics;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.reconcile.ProfileController;
import io.greenshank.profiles.reconcile.ProfileReconciler;
import io.greenshank.profiles.reconcile.WorkQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two full replicas against one API server: only the leader reconciles; the other takes over when it leaves. */
class TwoReplicasTest {

    static final class Replica implements AutoCloseable {
        final KubernetesClient client;
        final ClusterCache cache;
        final ProfileController controller;
        final LeaderElection election;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Replica(EmbeddedApiServer api, String identity) {
            ControllerSettings settings = ControllerSettings.defaults();
            client = api.newClient();
            cache = new ClusterCache(client, settings.istio(), new SubjectKeys(true), settings.resync());
            WorkQueue queue = new WorkQueue(settings.maxBackoff());
            controller = new ProfileController(cache, new ProfileReconciler(client, cache, settings, Clock.systemUTC()),
                    settings, queue, new ControllerMetrics(registry, queue::depth));
            cache.start(Duration.ofSeconds(30));
            election = new LeaderElection(client, new LeaderSettings("kubeflow", "greenshank-profile-controller", identity,
                    Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)), controller::start, controller::stop);
            election.start();
        }

        double reconciles() {
            return registry.find("greenshank.profiles.reconciles").counters().stream().mapToDouble(Counter::count).sum();
        }

        @Override
        public void close() {
            election.close();
            controller.close();
            cache.close();
            client.close();
        }
    }

    static boolean ready(KubernetesClient k, String name) {
        Profile p = k.resources(Profile.class).withName(name).get();
        return p != null && p.getStatus() != null && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false);
    }

    @Test
    void onlyTheLeaderReconcilesAndTheFollowerTakesOver() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient()) {
            Replica first = new Replica(api, "replica-a");
            await().atMost(Duration.ofSeconds(10)).until(first.election::isLeader);
            try (Replica second = new Replica(api, "replica-b")) {
                k.resource(new Profile("shared-1", ProfileSpec.ownedBy("p@example.com"))).create();
                await().atMost(Duration.ofSeconds(15)).until(() -> ready(k, "shared-1"));
                assertThat(first.reconciles()).isPositive();
                assertThat(second.reconciles()).as("the follower reconciles nothing").isZero();
                assertThat(second.controller.running()).isFalse();

                first.close();
                await().atMost(Duration.ofSeconds(10)).until(second.election::isLeader);
                k.resource(new Profile("shared-2", ProfileSpec.ownedBy("q@example.com"))).create();
                await().atMost(Duration.ofSeconds(15)).until(() -> ready(k, "shared-2"));
                assertThat(second.reconciles()).isPositive();
                assertThat(first.controller.running()).isFalse();
            }
        }
    }
}
