package io.greenshank.bridge.session;

import static io.greenshank.bridge.session.SessionFixtures.CODE_LIFETIME;
import static io.greenshank.bridge.session.SessionFixtures.LOGIN;
import static io.greenshank.bridge.session.SessionFixtures.at;
import static io.greenshank.bridge.session.SessionFixtures.session;
import static io.greenshank.bridge.session.SessionFixtures.successor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.oidc.AuthorizationCodeGrant;
import io.greenshank.bridge.oidc.AuthorizationCodes;
import io.greenshank.bridge.oidc.OAuthException;
import io.greenshank.bridge.oidc.TokenRequest;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.RefreshTokens.Refusal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two bridge replicas, each with its own client and stores, over one Kubernetes API (fabric8's mock server in CRUD
 * mode, which enforces resourceVersion on update like the real one).
 */
class ReplicatedSessionsTest {

    static final String NS = "auth";
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One bridge replica's session state. */
    record Replica(KubernetesClient client, SecretSessionStore<RefreshTokens.Family> familyStore,
                   RefreshTokens tokens, AuthorizationCodes codes, SimpleMeterRegistry metrics) {
    }

    CrudApiServer api;
    KubernetesClient admin;
    Replica a;
    Replica b;

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        admin = api.admin();
        a = replica();
        b = replica();
    }

    Replica replica() {
        KubernetesClient c = api.replicaClient(TIMEOUT);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        SecretSessionStore<RefreshTokens.Family> families = new SecretSessionStore<>(c, NS, RefreshTokens.KIND);
        RefreshTokens tokens = new RefreshTokens(new MeteredSessionStore<>(families, RefreshTokens.KIND, metrics),
                at(LOGIN.plusSeconds(60)));
        AuthorizationCodes codes = new AuthorizationCodes(new MeteredSessionStore<>(
                new SecretSessionStore<>(c, NS, AuthorizationCodes.KIND), AuthorizationCodes.KIND, metrics),
                CODE_LIFETIME, at(LOGIN));
        return new Replica(c, families, tokens, codes, metrics);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static Refusal refusal(SessionRulesTest.ThrowingCall call) {
        return SessionRulesTest.refusal(call);
    }

    List<Secret> secrets(String kind) {
        return admin.secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, kind).list().getItems();
    }

    @Test
    void aTokenIssuedAtOneReplicaRotatesAtTheOther() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String first = a.tokens().issue(s);
        String second = b.tokens().rotate(b.tokens().redeem(first, "kubectl"), successor(s));
        String third = a.tokens().rotate(a.tokens().redeem(second, "kubectl"), successor(s));
        assertThat(b.tokens().redeem(third, "kubectl").session().user()).isEqualTo(s.user());
    }

    @Test
    void aFreshReplicaAcceptsTokensAndCodesIssuedBeforeItStarted() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String token = a.tokens().issue(s);
        String code = SessionFixtures.code(a.codes(), "alice");
        a.client().close();

        Replica restarted = replica();
        assertThat(restarted.tokens().redeem(token, "kubectl").session()).isEqualTo(s);
        assertThat(restarted.codes().redeem(code)).isPresent();
    }

    @Test
    void secretsHoldHashesLabelsAndExpiryButNeverATokenOrCode() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String token = a.tokens().issue(s);
        String code = SessionFixtures.code(a.codes(), "alice");

        Secret family = secrets("refresh-family").get(0);
        assertThat(family.getType()).isEqualTo("greenshank.io/refresh-family");
        assertThat(family.getMetadata().getName()).isEqualTo(a.familyStore().secretName(
                SessionKeys.sha256Hex(s.family())));
        assertThat(family.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "greenshank-oidc-bridge")
                .containsEntry("greenshank.io/subject-hash",
                        SecretSessionStore.indexValue("subject-of-alice"))
                .containsEntry("greenshank.io/client-hash", SecretSessionStore.indexValue("kubectl"));
        assertThat(family.getMetadata().getAnnotations())
                .containsEntry("greenshank.io/expires-at", s.familyExpiresAt().toString());
        String familyJson = decoded(family);
        assertThat(familyJson).contains("alice@example.test", SessionKeys.sha256Hex(token))
                .doesNotContain(token, token.substring(token.indexOf('.') + 1));

        Secret c = secrets("authorization-code").get(0);
        assertThat(c.getType()).isEqualTo("greenshank.io/authorization-code");
        assertThat(c.getMetadata().getName()).endsWith(SessionKeys.sha256Hex(code));
        assertThat(decoded(c)).doesNotContain(code);
    }

    static String decoded(Secret s) {
        return new String(Base64.getDecoder().decode(s.getData().get(SecretSessionStore.DATA_KEY)),
                StandardCharsets.UTF_8);
    }

    @Test
    void ofTwoReplicasRotatingOneTokenAtOnceExactlyOneWinsAndTheFamilyIsRevoked() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 25; i++) {
                RefreshTokens.Session s = session("alice", "kubectl");
                String token = a.tokens().issue(s);
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<Object>> outcomes = new ArrayList<>();
                for (Replica r : List.of(a, b)) {
                    outcomes.add(pool.submit(() -> {
                        RefreshTokens.Redemption redeemed = r.tokens().redeem(token, "kubectl");
                        barrier.await();
                        try {
                            return r.tokens().rotate(redeemed, successor(s));
                        } catch (RefreshTokens.RefusedException e) {
                            return e.refusal();
                        }
                    }));
                }
                List<Object> results = new ArrayList<>();
                for (Future<Object> f : outcomes) {
                    results.add(f.get());
                }
                assertThat(results).as("iteration %d", i).filteredOn(String.class::isInstance).hasSize(1);
                assertThat(results).as("iteration %d", i).contains(Refusal.REUSED);
                String winner = (String) results.stream().filter(String.class::isInstance).findFirst().orElseThrow();
                assertThat(refusal(() -> a.tokens().redeem(winner, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
                assertThat(refusal(() -> b.tokens().redeem(winner, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(secrets("refresh-family")).as("every family revoked").isEmpty();
        // Both replicas wrote with the version both had read: each time the API server refused exactly one (409).
        assertThat(conflicts(a, "replace") + conflicts(b, "replace")).isEqualTo(25.0);
    }

    static double conflicts(Replica r, String operation) {
        return r.metrics().find(MeteredSessionStore.METRIC).tag("kind", "refresh-family").tag("operation", operation)
                .tag("outcome", "conflict").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void theApiServerRefusesAStaleVersionAndOnlyOneDeleteFindsTheSecret() throws Exception {
        // What the concurrency rests on, checked directly rather than left to thread timing.
        RefreshTokens.Session s = session("alice", "kubectl");
        a.tokens().issue(s);
        String key = SessionKeys.sha256Hex(s.family());
        SessionStore.Stored<RefreshTokens.Family> read = a.familyStore().get(key).orElseThrow();
        RefreshTokens.Family changed = new RefreshTokens.Family(s, read.value().startedAt(), "0".repeat(64),
                List.of());

        assertThat(b.familyStore().replace(key, changed, read.version())).isTrue();
        assertThat(a.familyStore().replace(key, changed, read.version())).as("409 for the stale version").isFalse();
        assertThat(a.familyStore().create(key, changed)).as("409 for a taken name").isFalse();
        assertThat(a.familyStore().delete(key)).isTrue();
        assertThat(b.familyStore().delete(key)).as("404 for the second delete").isFalse();
        assertThat(b.familyStore().replace(key, changed, read.version())).as("gone").isFalse();
    }

    @Test
    void aReusedTokenRevokesTheFamilyForBothReplicas() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String first = a.tokens().issue(s);
        String second = a.tokens().rotate(a.tokens().redeem(first, "kubectl"), successor(s));

        assertThat(refusal(() -> b.tokens().redeem(first, "kubectl"))).isEqualTo(Refusal.REUSED);
        assertThat(refusal(() -> a.tokens().redeem(second, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(refusal(() -> b.tokens().redeem(second, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
    }

    @Test
    void aCodeRedeemedAtOnceAtTwoReplicasSucceedsOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 25; i++) {
                String code = SessionFixtures.code(a.codes(), "alice");
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<Optional<AuthorizationCodes.Code>>> outcomes = new ArrayList<>();
                for (Replica r : List.of(a, b)) {
                    Callable<Optional<AuthorizationCodes.Code>> redeem = () -> {
                        barrier.await();
                        return r.codes().redeem(code);
                    };
                    outcomes.add(pool.submit(redeem));
                }
                int won = 0;
                for (var f : outcomes) {
                    won += f.get().isPresent() ? 1 : 0;
                }
                assertThat(won).as("iteration %d", i).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(secrets("authorization-code")).as("redeemed codes are deleted").isEmpty();
    }

    @Test
    void logoutAtOneReplicaEndsTheSessionsTheOtherSees() throws Exception {
        String kubectl = a.tokens().issue(session("alice", "kubectl"));
        String webapp = a.tokens().issue(session("alice", "webapp"));
        String bob = a.tokens().issue(session("bob", "kubectl"));

        assertThat(b.tokens().revokeSubject("subject-of-alice", Optional.of("kubectl"))).isEqualTo(1);
        assertThat(refusal(() -> a.tokens().redeem(kubectl, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(a.tokens().redeem(webapp, "webapp")).isNotNull();
        assertThat(a.tokens().redeem(bob, "kubectl")).isNotNull();
        assertThat(b.tokens().revokeSubject("subject-of-alice", Optional.empty())).isEqualTo(1);
        assertThat(refusal(() -> a.tokens().redeem(webapp, "webapp"))).isEqualTo(Refusal.UNKNOWN);
    }

    @Test
    void sweepsOnEveryReplicaDeleteOnlyExpiredSecrets() throws Exception {
        RefreshTokens.Session shortLived = new RefreshTokens.Session(RefreshTokens.newFamily(),
                SessionFixtures.user("alice"), "kubectl", Set.of("openid"), List.of(), LOGIN.plusSeconds(120));
        a.tokens().issue(shortLived);
        String live = a.tokens().issue(session("bob", "kubectl"));
        String code = SessionFixtures.code(a.codes(), "carol");
        admin.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("unrelated").addToLabels("app.kubernetes.io/name", "greenshank-oidc-bridge")
                .endMetadata().build()).create();

        var later = LOGIN.plusSeconds(121);
        int swept = a.familyStore().sweep(later) + b.familyStore().sweep(later);
        assertThat(swept).as("the second replica finds nothing left").isEqualTo(1);
        assertThat(a.tokens().redeem(live, "kubectl")).isNotNull();
        assertThat(a.codes().redeem(code)).as("codes are another kind, swept by their own store").isPresent();
        assertThat(admin.secrets().inNamespace(NS).withName("unrelated").get()).isNotNull();

        SecretSessionStore<AuthorizationCodes.Code> codeStore = new SecretSessionStore<>(b.client(), NS,
                AuthorizationCodes.KIND);
        SessionFixtures.code(a.codes(), "dave");
        assertThat(codeStore.sweep(LOGIN.plus(CODE_LIFETIME))).isEqualTo(1);
        assertThat(secrets("authorization-code")).isEmpty();
    }

    @Test
    void withTheApiServerDownNothingIsIssuedAndGrantsAnswerTemporarilyUnavailableQuickly() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String token = a.tokens().issue(s);
        RefreshTokens.Redemption redeemed = a.tokens().redeem(token, "kubectl");
        String code = SessionFixtures.code(a.codes(), "alice");
        api.server().destroy();

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> a.tokens().issue(session("bob", "kubectl")))
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> a.tokens().rotate(redeemed, successor(s)))
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> b.tokens().redeem(token, "kubectl"))
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> b.tokens().revokeSubject("subject-of-alice", Optional.empty()))
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> SessionFixtures.code(a.codes(), "bob"))
                .isInstanceOf(SessionStoreUnavailableException.class);

        OidcClient webapp = new OidcClient("webapp", Optional.empty(), List.of("https://app.example.test/cb"),
                Set.of("authorization_code"), List.of());
        TokenRequest request = new TokenRequest(webapp, Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", "https://app.example.test/cb"), Map.of(), "127.0.0.1", "https://bridge.test");
        assertThatThrownBy(() -> new AuthorizationCodeGrant(b.codes()).grant(request))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.error()).isEqualTo("temporarily_unavailable");
                    assertThat(e.status()).isEqualTo(503);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("six failed calls, each bounded")
                .isLessThan(TIMEOUT.multipliedBy(6));
        assertThat(a.metrics().get(MeteredSessionStore.METRIC).tag("kind", "refresh-family")
                .tag("outcome", "unavailable").counters()).isNotEmpty();
        assertThat(b.metrics().get(MeteredSessionStore.METRIC).tag("kind", "authorization-code")
                .tag("outcome", "unavailable").counter().count()).isEqualTo(1.0);
    }
}
