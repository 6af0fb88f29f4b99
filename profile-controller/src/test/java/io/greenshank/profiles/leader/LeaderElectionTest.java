package io.greenshank.profiles.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    static LeaderSettings settings(String identity) {
        return new LeaderSettings("kubeflow", "greenshank-profile-controller", identity, Duration.ofSeconds(2),
                Duration.ofMillis(1500), Duration.ofMillis(200));
    }

    @Test
    void exactlyOneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItLeaves() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start();
                KubernetesClient c1 = api.newClient();
                KubernetesClient c2 = api.newClient()) {
            AtomicInteger started1 = new AtomicInteger();
            AtomicInteger started2 = new AtomicInteger();
            AtomicInteger stopped1 = new AtomicInteger();
            LeaderElection one = new LeaderElection(c1, settings("replica-1"), started1::incrementAndGet, stopped1::incrementAndGet);
            LeaderElection two = new LeaderElection(c2, settings("replica-2"), started2::incrementAndGet, () -> { });
            one.start();
            await().atMost(Duration.ofSeconds(10)).until(one::isLeader);
            two.start();
            // replica-2 sees replica-1's lease and keeps waiting, across several retry periods.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> one.isLeader() && !two.isLeader());
            assertThat(started2.get()).isZero();
            Lease lease = c1.leases().inNamespace("kubeflow").withName("greenshank-profile-controller").get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-1");
            assertThat(two.currentLeader()).isEqualTo("replica-1");

            one.close();
            await().atMost(Duration.ofSeconds(10)).until(two::isLeader);
            assertThat(one.isLeader()).isFalse();
            assertThat(stopped1.get()).isEqualTo(1);
            assertThat(started1.get()).isEqualTo(1);
            assertThat(started2.get()).isEqualTo(1);
            assertThat(c2.leases().inNamespace("kubeflow").withName("greenshank-profile-controller").get()
                    .getSpec().getHolderIdentity()).isEqualTo("replica-2");
            two.close();
        }
    }

    /**
     * fabric8's elector releases the Lease on cancel and only then calls onStopLeading: a follower could take the
     * Lease and start reconciling while this replica's workers were still writing. The work must stop first.
     */
    @Test
    void aLeaderShuttingDownStopsItsWorkBeforeItReleasesTheLease() throws InterruptedException {
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient c1 = api.newClient()) {
            AtomicReference<LeaseSpec> leaseWhileStopping = new AtomicReference<>();
            AtomicInteger stops = new AtomicInteger();
            LeaderElection one = new LeaderElection(c1, settings("replica-1"), () -> { }, () -> {
                stops.incrementAndGet();
                leaseWhileStopping.compareAndSet(null, lease(c1));
            });
            one.start();
            await().atMost(Duration.ofSeconds(10)).until(one::isLeader);
            Thread.sleep(700); // a few renewals: the Lease as it is held in steady state

            one.close();
            // Still ours, for the full duration, while the work stopped: no follower could have taken it yet.
            assertThat(leaseWhileStopping.get().getHolderIdentity()).isEqualTo("replica-1");
            assertThat(leaseWhileStopping.get().getLeaseDurationSeconds()).isEqualTo(2);
            // Released afterwards: fabric8 writes no holder and a 1 s duration (the stand-in keeps the old holder).
            await().atMost(Duration.ofSeconds(5)).until(() -> lease(c1).getLeaseDurationSeconds() == 1
                    || lease(c1).getHolderIdentity() == null);
            assertThat(one.isLeader()).isFalse();
            assertThat(stops.get()).as("the work is stopped once").isEqualTo(1);
        }
    }

    static LeaseSpec lease(KubernetesClient c) {
        return c.leases().inNamespace("kubeflow").withName("greenshank-profile-controller").get().getSpec();
    }
}
