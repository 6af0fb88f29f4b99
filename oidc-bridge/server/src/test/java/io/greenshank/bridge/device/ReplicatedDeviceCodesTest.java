package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.session.MeteredSessionStore;
import io.greenshank.bridge.session.SecretSessionStore;
import io.greenshank.bridge.session.SessionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two bridge replicas sharing device codes through Secrets of one Kubernetes API (fabric8's mock server in CRUD
 * mode): a code started at one is approved at the other and polled at either; of two racing polls exactly one
 * redeems it.
 */
class ReplicatedDeviceCodesTest {

    static final String NS = "auth";

    CrudApiServer api;
    KubernetesClient admin;
    DeviceCodes a;
    DeviceCodes b;

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        admin = api.admin();
        a = replica();
        b = replica();
    }

    DeviceCodes replica() {
        KubernetesClient c = api.replicaClient(Duration.ofSeconds(2));
        SessionStore<DeviceCodes.Grant> store = new MeteredSessionStore<>(
                new SecretSessionStore<>(c, NS, DeviceCodes.KIND), DeviceCodes.KIND, new SimpleMeterRegistry());
        return new DeviceCodes(store, Duration.ofMinutes(10), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    List<Secret> deviceSecrets() {
        return admin.secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, "device-code").list()
                .getItems();
    }

    @Test
    void startedAtOneApprovedAtTheOtherPolledAtEither() throws Exception {
        DeviceCodes.Started s = a.start("kubectl", Set.of("openid"));
        assertThat(b.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Pending.class);
        String code = DeviceCodesTest.canonical(s);
        assertThat(b.pending(code)).as("the verification page at B finds A's code by its user code").isPresent();
        assertThat(b.decide(code, true, Optional.of(DeviceCodesTest.ALICE)))
                .isEqualTo(DeviceCodes.Decision.APPROVED);
        assertThat(a.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Approved.class);
        assertThat(b.poll(s.deviceCode(), "kubectl")).as("redeemed at A, gone at B")
                .isInstanceOf(DeviceCodes.Unknown.class);
        assertThat(deviceSecrets()).isEmpty();
    }

    @Test
    void theSecretIsNamedByHashAndHoldsNeitherCode() throws Exception {
        DeviceCodes.Started s = a.start("kubectl", Set.of("openid"));
        List<Secret> secrets = deviceSecrets();
        assertThat(secrets).hasSize(1);
        Secret secret = secrets.get(0);
        assertThat(secret.getType()).isEqualTo("greenshank.io/device-code");
        String all = secret.toString() + secret.getData().values().stream()
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)).toList();
        assertThat(all).doesNotContain(s.deviceCode()).doesNotContain(s.userCode())
                .doesNotContain(DeviceCodesTest.canonical(s));
    }

    @Test
    void slowDownRaisedAtOneReplicaHoldsAtTheOther() throws Exception {
        DeviceCodes.Started s = a.start("kubectl", Set.of("openid"));
        a.poll(s.deviceCode(), "kubectl");
        assertThat(a.poll(s.deviceCode(), "kubectl")).isEqualTo(new DeviceCodes.SlowDown(10));
        b.poll(s.deviceCode(), "kubectl");
        assertThat(b.poll(s.deviceCode(), "kubectl")).as("B reads the raised interval and raises it again")
                .isEqualTo(new DeviceCodes.SlowDown(15));
    }

    @Test
    void twoRacingPollsRedeemOneCodeOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 25; i++) {
                DeviceCodes.Started s = a.start("kubectl", Set.of("openid"));
                b.decide(DeviceCodesTest.canonical(s), true, Optional.of(DeviceCodesTest.ALICE));
                CyclicBarrier go = new CyclicBarrier(2);
                List<Future<DeviceCodes.Poll>> polls = new ArrayList<>();
                for (DeviceCodes r : List.of(a, b)) {
                    polls.add(pool.submit(() -> {
                        go.await();
                        return r.poll(s.deviceCode(), "kubectl");
                    }));
                }
                List<DeviceCodes.Poll> results = new ArrayList<>();
                for (Future<DeviceCodes.Poll> f : polls) {
                    results.add(f.get());
                }
                assertThat(results.stream().filter(DeviceCodes.Approved.class::isInstance).count())
                        .as("round %d: %s", i, results).isEqualTo(1);
                assertThat(results.stream().filter(DeviceCodes.Unknown.class::isInstance).count()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoRacingApprovalsLandOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                DeviceCodes.Started s = a.start("kubectl", Set.of("openid"));
                String code = DeviceCodesTest.canonical(s);
                CyclicBarrier go = new CyclicBarrier(2);
                Future<DeviceCodes.Decision> approve = pool.submit(() -> {
                    go.await();
                    return a.decide(code, true, Optional.of(DeviceCodesTest.ALICE));
                });
                Future<DeviceCodes.Decision> deny = pool.submit(() -> {
                    go.await();
                    return b.decide(code, false, Optional.empty());
                });
                List<DeviceCodes.Decision> both = List.of(approve.get(), deny.get());
                assertThat(both).as("round %d", i).containsOnlyOnce(DeviceCodes.Decision.NOT_FOUND);
                DeviceCodes.Poll p = a.poll(s.deviceCode(), "kubectl");
                assertThat(p).isInstanceOf(both.contains(DeviceCodes.Decision.APPROVED)
                        ? DeviceCodes.Approved.class : DeviceCodes.Denied.class);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void apiServerDownFailsClosed() {
        api.server().destroy();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.start("kubectl", Set.of("openid")))
                .isInstanceOf(io.greenshank.bridge.session.SessionStoreUnavailableException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.poll("x".repeat(43), "kubectl"))
                .isInstanceOf(io.greenshank.bridge.session.SessionStoreUnavailableException.class);
    }
}
