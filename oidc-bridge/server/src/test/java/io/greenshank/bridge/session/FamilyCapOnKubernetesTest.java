package io.greenshank.bridge.session;

import static io.greenshank.bridge.session.SessionFixtures.LOGIN;
import static io.greenshank.bridge.session.SessionFixtures.session;
import static io.greenshank.bridge.session.SessionFixtures.successor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.token.FamilyCap;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.testing.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-user family cap on the Secret store: two replicas over one Kubernetes API (fabric8's mock server in CRUD
 * mode), each with its own client, clock and cap.
 */
class FamilyCapOnKubernetesTest {

    static final String NS = "auth";

    record Replica(KubernetesClient client, ObservedStore<RefreshTokens.Family> store, RefreshTokens tokens,
                   SimpleMeterRegistry metrics) {
        double evicted() {
            return metrics.counter(FamilyCapTest.EVICTED).count();
        }
    }

    CrudApiServer api;
    KubernetesMockServer server;
    KubernetesClient admin;

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        server = api.server();
        admin = api.admin();
    }

    Replica replica(int cap, Clock clock) {
        KubernetesClient c = api.replicaClient(Duration.ofSeconds(2));
        ObservedStore<RefreshTokens.Family> store = new ObservedStore<>(
                new SecretSessionStore<>(c, NS, RefreshTokens.KIND));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        return new Replica(c, store, new RefreshTokens(store, clock, new FamilyCap(cap), metrics), metrics);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    List<Secret> familiesOf(String subject) {
        return admin.secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, "refresh-family")
                .withLabel(SecretSessionStore.indexLabel("subject"), SecretSessionStore.indexValue(subject)).list()
                .getItems();
    }

    static boolean refreshes(Replica r, String token) throws Exception {
        return FamilyCapTest.refreshes(r.tokens(), token, "kubectl");
    }

    /** The API requests {@code call} made, as "METHOD decoded-path". */
    List<String> requestsOf(SessionRulesTest.ThrowingCall call) throws Exception {
        drain();
        call.run();
        return drain();
    }

    private List<String> drain() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(50, TimeUnit.MILLISECONDS); r != null;
             r = server.takeRequest(50, TimeUnit.MILLISECONDS)) {
            requests.add(r.getMethod() + " " + URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8));
        }
        return requests;
    }

    @Test
    void aLoginAtOneReplicaPastTheCapRevokesTheOldestFamilyWhereverItWasIssued() throws Exception {
        Replica a = replica(3, MutableClock.ticking(LOGIN, Duration.ofMillis(1)));
        Replica b = replica(3, MutableClock.ticking(LOGIN.plusSeconds(60), Duration.ofMillis(1)));
        String first = a.tokens().issue(session("alice", "kubectl"));
        String second = a.tokens().issue(session("alice", "kubectl"));
        String bob = a.tokens().issue(session("bob", "kubectl"));
        String third = b.tokens().issue(session("alice", "kubectl"));
        String fourth = b.tokens().issue(session("alice", "kubectl"));

        assertThat(refreshes(a, first)).as("the oldest, issued at A, is revoked by B's login").isFalse();
        assertThat(refreshes(b, first)).isFalse();
        for (String live : List.of(second, third, fourth, bob)) {
            assertThat(refreshes(a, live)).isTrue();
            assertThat(refreshes(b, live)).isTrue();
        }
        assertThat(familiesOf("subject-of-alice")).hasSize(3);
        assertThat(familiesOf("subject-of-bob")).hasSize(1);
        assertThat(b.evicted()).isEqualTo(1.0);
        assertThat(a.evicted()).isZero();
    }

    @Test
    void aLoginCostsOneLabelSelectedListAndARefreshNone() throws Exception {
        Replica a = replica(2, MutableClock.ticking(LOGIN, Duration.ofMillis(1)));
        RefreshTokens.Session oldest = session("alice", "kubectl");
        String token = a.tokens().issue(oldest);
        a.tokens().issue(session("alice", "kubectl"));
        String oldestSecret = a.store().created.keySet().stream()
                .filter(k -> a.store().created.get(k).session().equals(oldest)).findFirst().orElseThrow();

        String first = token;
        List<String> refresh = requestsOf(() -> a.tokens().rotate(a.tokens().redeem(first, "kubectl"),
                successor(oldest)));
        assertThat(refresh).as("a refresh is one GET and one PUT, no list").hasSize(2)
                .noneMatch(r -> r.contains("labelSelector"));

        List<String> login = requestsOf(() -> a.tokens().issue(session("alice", "kubectl")));
        assertThat(login).filteredOn(r -> r.startsWith("GET ") && r.contains("labelSelector")).singleElement()
                .asString()
                .contains("greenshank.io/subject-hash=" + SecretSessionStore.indexValue("subject-of-alice"))
                .contains("greenshank.io/session-kind=refresh-family");
        assertThat(login).filteredOn(r -> r.startsWith("DELETE ")).singleElement().asString()
                .endsWith("/secrets/greenshank-refresh-family-" + oldestSecret);
        assertThat(login).filteredOn(r -> r.startsWith("POST ")).hasSize(1);
        assertThat(login).as("create, list, delete: nothing else").hasSize(3);
    }

    @Test
    void aSubjectOutsideLabelSyntaxIsSelectedByItsHash() throws Exception {
        // An LDAP DN as the subject: commas, spaces, non-ASCII, longer than a label value may be.
        String name = "Ålice Smith,OU=Research and Development,OU=People,DC=corp,DC=example,DC=com";
        Replica a = replica(1, MutableClock.ticking(LOGIN, Duration.ofMillis(1)));
        String first = a.tokens().issue(session(name, "kubectl"));
        String second = a.tokens().issue(session(name, "kubectl"));

        List<Secret> left = familiesOf("subject-of-" + name);
        assertThat(left).hasSize(1);
        assertThat(left.get(0).getMetadata().getLabels().get("greenshank.io/subject-hash")).matches("[0-9a-f]{40}");
        assertThat(refreshes(a, first)).isFalse();
        assertThat(refreshes(a, second)).isTrue();
    }

    @Test
    void expiredFamiliesNeitherCountNorAreEvictedButLeftToTheSweep() throws Exception {
        Replica a = replica(1, MutableClock.ticking(LOGIN.plusSeconds(60), Duration.ofMillis(1)));
        a.tokens().issue(new RefreshTokens.Session(RefreshTokens.newFamily(), SessionFixtures.user("alice"),
                "kubectl", Set.of("openid"), List.of(), LOGIN.plusSeconds(1)));
        String live = a.tokens().issue(session("alice", "kubectl"));

        assertThat(a.evicted()).isZero();
        assertThat(refreshes(a, live)).isTrue();
        assertThat(familiesOf("subject-of-alice")).hasSize(2);
        assertThat(a.store().sweep(LOGIN.plusSeconds(60))).isEqualTo(1);
    }

    @Test
    void concurrentLoginsAtTwoReplicasNeverRevokeTheirOwnFamilyAndTheNewestSurvives() throws Exception {
        MutableClock shared = MutableClock.ticking(LOGIN, Duration.ofMillis(1)); // replicas with synchronised clocks
        Replica a = replica(1, shared); // every pass evicts: the most exposed
        Replica b = replica(1, shared);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<String>> logins = new ArrayList<>();
                for (Replica r : List.of(a, b)) {
                    logins.add(pool.submit(() -> {
                        barrier.await();
                        return r.tokens().issue(session("alice", "kubectl"));
                    }));
                }
                for (Future<String> f : logins) {
                    assertThat(f.get()).isNotBlank();
                }
                assertThat(a.store().ownFamiliesDeleted).as("round %d", round).isEmpty();
                assertThat(b.store().ownFamiliesDeleted).as("round %d", round).isEmpty();
                String newest = Stream.concat(a.store().created.entrySet().stream(),
                                b.store().created.entrySet().stream())
                        .max(Comparator.comparing((Map.Entry<String, RefreshTokens.Family> e) -> e.getValue()
                                .startedAt()).thenComparing(Map.Entry::getKey)).orElseThrow().getKey();
                assertThat(a.store().get(newest)).as("the latest login of round %d survives", round).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
        String settled = a.tokens().issue(session("alice", "kubectl"));
        assertThat(familiesOf("subject-of-alice")).as("the next login trims to the cap").hasSize(1);
        assertThat(refreshes(b, settled)).isTrue();
        assertThat(a.evicted() + b.evicted()).as("every family beyond the cap was evicted, none twice")
                .isEqualTo(31 - 1);
    }
}
