package io.greenshank.profiles.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
}
