package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.session.MeteredSessionStore;
import io.greenshank.bridge.session.SecretSessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.session.WatchedSecretSessionStore;
import io.greenshank.testing.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas with the kubernetes store, each watching the device-code Secrets of one API server (fabric8's mock
 * in CRUD mode, which serves watches): pending polls are answered from the watched copy with no request, every state
 * change is a conditional write, and no poll — from the copy, stale or not, at either replica, with the API server
 * gone — ever yields tokens twice or a wrong answer. Requests are counted from the mock's own record.
 */
class WatchedDeviceCodesTest {

    static final String NS = "auth";
    static final String CLIENT = "kubectl";

    final MutableClock clock = new MutableClock(Instant.now());
    CrudApiServer api;
    Replica a;
    Replica b;

    /** One bridge replica: its codes and its watched store. */
    record Replica(DeviceCodes codes, WatchedSecretSessionStore<DeviceCodes.Grant> watched, SimpleMeterRegistry metrics) {

        /** As the token endpoint polls: on the event loop when the copy can answer, else on a worker. */
        DeviceCodes.Poll poll(String deviceCode) throws SessionStoreUnavailableException {
            Optional<DeviceCodes.Poll> fromCopy = codes.pollInProcess(deviceCode, CLIENT);
            return fromCopy.isPresent() ? fromCopy.get() : codes.poll(deviceCode, CLIENT);
        }

        void awaitSeen(String deviceCode, java.util.function.Predicate<DeviceCodes.Grant> state) {
            await().atMost(Duration.ofSeconds(20)).until(() -> watched.peek(SessionKeys.sha256Hex(deviceCode))
                    .map(s -> state.test(s.value())).orElse(false));
        }

        void awaitGone(String deviceCode) {
            await().atMost(Duration.ofSeconds(20)).until(() -> watched.current()
                    && watched.peek(SessionKeys.sha256Hex(deviceCode)).isEmpty());
        }
    }

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        a = replica();
        b = replica();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.watched().current() && b.watched().current());
    }

    Replica replica() {
        SecretSessionStore<DeviceCodes.Grant> secrets = new SecretSessionStore<>(
                api.replicaClient(Duration.ofSeconds(2)), NS, DeviceCodes.KIND);
        WatchedSecretSessionStore<DeviceCodes.Grant> watched = new WatchedSecretSessionStore<>(secrets, NS,
                DeviceCodes.KIND.name());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DeviceCodes codes = new DeviceCodes(new MeteredSessionStore<>(watched, DeviceCodes.KIND, metrics),
                Duration.ofMinutes(10), Duration.ofSeconds(5), clock);
        return new Replica(codes, watched, metrics);
    }

    @AfterEach
    void stop() {
        a.watched().close();
        b.watched().close();
        api.close();
    }

    /** The requests the API server received since the last call ({@code METHOD path}), watches included. */
    List<String> requestsSinceLastLook() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        RecordedRequest r;
        while ((r = api.server().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            seen.add(r.getMethod() + " " + r.getPath());
        }
        return seen;
    }

    @Test
    void pendingPollsOnceSyncedCostNoRequest() throws Exception {
        DeviceCodes.Started s = a.codes().start(CLIENT, Set.of("openid"));
        b.awaitSeen(s.deviceCode(), g -> true);
        requestsSinceLastLook();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(5));
            Replica r = i % 2 == 0 ? a : b;
            assertThat(r.codes().pollInProcess(s.deviceCode(), CLIENT)).as("poll %d, answered from the copy", i)
                    .contains(new DeviceCodes.Pending());
        }
        assertThat(requestsSinceLastLook()).as("20 pending polls at two replicas").isEmpty();
        for (Replica r : List.of(a, b)) {
            assertThat(r.metrics().get(MeteredSessionStore.METRIC).tag("kind", "device-code")
                    .tag("operation", "peek").tag("outcome", "ok").counter().count()).isEqualTo(10.0);
        }
    }

    @Test
    void startedAtAPolledAtBApprovedAtARedeemedOnceAcrossRacingPolls() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                DeviceCodes.Started s = a.codes().start(CLIENT, Set.of("openid"));
                // Whether or not B's copy has seen it yet: pending, never invalid_grant.
                assertThat(b.poll(s.deviceCode())).as("round %d: B right after A created it", round)
                        .isEqualTo(new DeviceCodes.Pending());
                b.awaitSeen(s.deviceCode(), g -> true);
                clock.advance(Duration.ofSeconds(5));
                assertThat(b.codes().pollInProcess(s.deviceCode(), CLIENT)).contains(new DeviceCodes.Pending());

                assertThat(a.codes().decide(DeviceCodesTest.canonical(s), true,
                        Optional.of(DeviceCodesTest.ALICE))).isEqualTo(DeviceCodes.Decision.APPROVED);
                clock.advance(Duration.ofSeconds(5));
                // Four polls at once, two per replica; each copy may or may not have seen the approval yet.
                CyclicBarrier go = new CyclicBarrier(4);
                List<Future<DeviceCodes.Poll>> polls = new ArrayList<>();
                for (Replica r : List.of(a, b, a, b)) {
                    polls.add(pool.submit(() -> {
                        go.await();
                        return r.poll(s.deviceCode());
                    }));
                }
                List<DeviceCodes.Poll> answers = new ArrayList<>();
                for (Future<DeviceCodes.Poll> f : polls) {
                    answers.add(f.get(30, TimeUnit.SECONDS));
                }
                // Then both keep polling until each copy has seen the end of the code.
                a.awaitGone(s.deviceCode());
                b.awaitGone(s.deviceCode());
                clock.advance(Duration.ofSeconds(5));
                answers.add(a.poll(s.deviceCode()));
                answers.add(b.poll(s.deviceCode()));
                final int r = round;
                assertThat(answers.stream().filter(DeviceCodes.Approved.class::isInstance).count())
                        .as("round %d: %s", r, answers).isEqualTo(1);
                assertThat(answers).as("round %d", r).allSatisfy(p -> assertThat(p).isInstanceOfAny(
                        DeviceCodes.Approved.class, DeviceCodes.Pending.class, DeviceCodes.SlowDown.class,
                        DeviceCodes.Unknown.class));
                assertThat(answers.subList(answers.size() - 2, answers.size())).as("after redemption")
                        .containsOnly(new DeviceCodes.Unknown());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anApprovalIsRedeemedThroughTheApiServerNeverFromTheCopy() throws Exception {
        DeviceCodes.Started s = a.codes().start(CLIENT, Set.of("openid"));
        a.codes().decide(DeviceCodesTest.canonical(s), true, Optional.of(DeviceCodesTest.ALICE));
        b.awaitSeen(s.deviceCode(), g -> g.status() == DeviceCodes.Status.APPROVED);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.codes().pollInProcess(s.deviceCode(), CLIENT)).as("redeeming is a write").isEmpty();
        requestsSinceLastLook();
        assertThat(b.poll(s.deviceCode())).isInstanceOf(DeviceCodes.Approved.class);
        String name = "/api/v1/namespaces/" + NS + "/secrets/greenshank-device-code-"
                + SessionKeys.sha256Hex(s.deviceCode());
        assertThat(requestsSinceLastLook()).as("one GET, one DELETE").containsExactly("GET " + name, "DELETE " + name);
    }

    @Test
    void expiryAndDenialAreAnsweredFromTheCopy() throws Exception {
        DeviceCodes.Started expiring = a.codes().start(CLIENT, Set.of("openid"));
        DeviceCodes.Started denied = a.codes().start(CLIENT, Set.of("openid"));
        a.codes().decide(DeviceCodesTest.canonical(denied), false, Optional.empty());
        b.awaitSeen(expiring.deviceCode(), g -> true);
        b.awaitSeen(denied.deviceCode(), g -> g.status() == DeviceCodes.Status.DENIED);
        requestsSinceLastLook();
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.codes().pollInProcess(denied.deviceCode(), CLIENT)).contains(new DeviceCodes.Denied());
        assertThat(b.codes().pollInProcess(expiring.deviceCode(), "another-client"))
                .as("another client's code").contains(new DeviceCodes.Unknown());
        clock.advance(Duration.ofMinutes(10));
        assertThat(b.codes().pollInProcess(expiring.deviceCode(), CLIENT)).contains(new DeviceCodes.Expired());
        assertThat(a.codes().pollInProcess(expiring.deviceCode(), CLIENT)).contains(new DeviceCodes.Expired());
        assertThat(requestsSinceLastLook()).isEmpty();
    }

    @Test
    void slowDownWrittenAtOneReplicaIsAppliedFromTheOthersCopy() throws Exception {
        DeviceCodes.Started s = a.codes().start(CLIENT, Set.of("openid"));
        b.awaitSeen(s.deviceCode(), g -> true);
        assertThat(a.poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        assertThat(a.codes().pollInProcess(s.deviceCode(), CLIENT)).as("too soon: the raised interval is written")
                .isEmpty();
        assertThat(a.poll(s.deviceCode())).isEqualTo(new DeviceCodes.SlowDown(10));
        b.awaitSeen(s.deviceCode(), g -> g.intervalSeconds() == 10);
        assertThat(b.poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        clock.advance(Duration.ofSeconds(7));
        assertThat(b.poll(s.deviceCode())).as("7 s is early for B's copy's 10 s interval, not for the first 5 s")
                .isEqualTo(new DeviceCodes.SlowDown(15));
        clock.advance(Duration.ofSeconds(15));
        b.awaitSeen(s.deviceCode(), g -> g.intervalSeconds() == 15);
        assertThat(b.codes().pollInProcess(s.deviceCode(), CLIENT)).contains(new DeviceCodes.Pending());
    }

    @Test
    void aWatchThatIsDownVouchesForNothing() throws Exception {
        DeviceCodes.Started s = a.codes().start(CLIENT, Set.of("openid"));
        b.awaitSeen(s.deviceCode(), g -> true);
        b.watched().close();
        assertThat(b.watched().current()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.codes().pollInProcess(s.deviceCode(), CLIENT)).isEmpty();
        requestsSinceLastLook();
        assertThat(b.poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        assertThat(requestsSinceLastLook()).as("asked the API server instead").hasSize(1)
                .allMatch(r -> r.startsWith("GET /api/v1/namespaces/" + NS + "/secrets/greenshank-device-code-"));
    }

    @Test
    void apiServerGoneDuringPollsFailsClosedAndNeverGrantsTwice() throws Exception {
        DeviceCodes.Started pending = a.codes().start(CLIENT, Set.of("openid"));
        DeviceCodes.Started approved = a.codes().start(CLIENT, Set.of("openid"));
        a.codes().decide(DeviceCodesTest.canonical(approved), true, Optional.of(DeviceCodesTest.ALICE));
        b.awaitSeen(pending.deviceCode(), g -> true);
        b.awaitSeen(approved.deviceCode(), g -> g.status() == DeviceCodes.Status.APPROVED);
        clock.advance(Duration.ofSeconds(5));
        assertThat(a.poll(approved.deviceCode())).isInstanceOf(DeviceCodes.Approved.class);

        api.server().destroy();
        clock.advance(Duration.ofSeconds(5));
        // B's copy may still hold the approval (the delete's event may not have reached it): it is never redeemed
        // from the copy, and the API server is gone.
        assertThatThrownBy(() -> b.poll(approved.deviceCode())).isInstanceOf(SessionStoreUnavailableException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> !b.watched().current());
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.codes().pollInProcess(pending.deviceCode(), CLIENT)).as("a lost watch vouches for nothing")
                .isEmpty();
        assertThatThrownBy(() -> b.poll(pending.deviceCode())).isInstanceOf(SessionStoreUnavailableException.class);
    }
}
