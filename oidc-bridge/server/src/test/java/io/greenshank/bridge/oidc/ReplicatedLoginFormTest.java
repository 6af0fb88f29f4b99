package io.greenshank.bridge.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.KeyRingStore;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.keys.SecretKeyRingStore;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.ldap.LoginFailedException;
import io.greenshank.bridge.login.PasswordLogin;
import io.greenshank.bridge.oidc.AuthorizationRequests.Refusal;
import io.greenshank.bridge.session.MeteredSessionStore;
import io.greenshank.bridge.session.SecretSessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.throttle.ThrottleConfig;
import io.greenshank.bridge.web.BrowserBinding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Two bridge replicas, each with its own Kubernetes client, key manager and stores, sharing the keys Secret and the
 * session Secrets of one Kubernetes API (fabric8's mock server in CRUD mode): the login form shown by one replica
 * is posted to the other, with no affinity and no store write for showing it.
 */
class ReplicatedLoginFormTest {

    static final String NS = "auth";
    static final String ISSUER = "https://bridge.example.test";
    static final String AUDIENCE = ISSUER + "/authorize";
    static final String CB = "http://127.0.0.1:8000/callback";
    static final OidcClient KUBECTL = new OidcClient("kubectl", Optional.empty(), List.of(CB),
            Set.of("authorization_code", "refresh_token"), List.of());
    static final DirectoryUser ALICE = new DirectoryUser("subject-of-alice", "alice", "uid=alice,dc=test",
            Optional.empty(), Optional.empty(), List.of("staff"), AccountStatus.ACTIVE);

    /** One replica's login-form machinery. */
    record Replica(KubernetesClient client, KeyManager keys, AuthorizationRequests requests, AuthorizationCodes codes,
                   FormLogin forms, SimpleMeterRegistry metrics) {
    }

    CrudApiServer api;
    KubernetesClient admin;
    Replica a;
    Replica b;

    @BeforeEach
    void start() throws Exception {
        api = CrudApiServer.start();
        admin = api.admin();
        a = replica(true);
        b = replica(true);
    }

    Replica replica(boolean sharedKeys) throws Exception {
        KubernetesClient c = api.replicaClient(Duration.ofSeconds(2));
        Clock clock = Clock.systemUTC();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        KeyManager keys = keys(sharedKeys ? new SecretKeyRingStore(c, NS, "greenshank-oidc-bridge-keys")
                : new MemoryKeyRingStore(), clock);
        AuthorizationRequests requests = new AuthorizationRequests(keys,
                store(c, AuthorizationRequests.SPENT_KIND, metrics),
                id -> id.equals(KUBECTL.id()) ? Optional.of(KUBECTL) : Optional.empty(), metrics, clock);
        AuthorizationCodes codes = new AuthorizationCodes(store(c, AuthorizationCodes.KIND, metrics),
                Duration.ofMinutes(1), clock);
        PasswordLogin login = new PasswordLogin(directory(), new LoginThrottle(throttle(), clock), metrics, clock);
        return new Replica(c, keys, requests, codes, new FormLogin(requests, login, codes), metrics);
    }

    /** ES256 keys in {@code ring}, loaded: a replica's signing keys. */
    static KeyManager keys(KeyRingStore ring, Clock clock) throws Exception {
        KeyManager keys = new KeyManager(ring, clock, Duration.ofDays(30), Duration.ofHours(6),
                IssuanceBenchmark.lifetimes().maxJwtLifetime(), KeyManager.generator("ES256"));
        keys.refresh();
        return keys;
    }

    static <V> SessionStore<V> store(KubernetesClient c, SessionKind<V> kind, SimpleMeterRegistry metrics) {
        return new MeteredSessionStore<>(new SecretSessionStore<>(c, NS, kind), kind, metrics);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    List<Secret> sessionSecrets(String kind) {
        return admin.secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, kind).list().getItems();
    }

    List<Secret> allSecrets() {
        return admin.secrets().inNamespace(NS).list().getItems();
    }

    /** The browser's CSRF cookie, the same at every replica. */
    static final BrowserBinding.Cookie BROWSER = BrowserBinding.forBrowser(null);

    /** What {@code GET /authorize} does once the request passed its checks. */
    static String showForm(Replica r, String challenge) {
        return r.requests().seal(r.requests().pending("kubectl", CB, Optional.of("st"), Optional.of("n-1"),
                Optional.of(challenge), Set.of("openid")), AUDIENCE, Optional.of(BROWSER.binding()));
    }

    static GrantResult redeem(Replica r, String code, String verifier) throws OAuthException {
        return new AuthorizationCodeGrant(r.codes()).grant(new TokenRequest(KUBECTL, Map.of("grant_type",
                "authorization_code", "code", code, "redirect_uri", CB, "code_verifier", verifier), Map.of(),
                "127.0.0.1", ISSUER));
    }

    @Test
    void aFormShownByOneReplicaSignsInAtTheOtherAndItsCodeRedeemsAtEither() throws Exception {
        assertThat(b.keys().signer().kid()).as("one ring, through the keys Secret").isEqualTo(a.keys().signer().kid());
        int before = allSecrets().size();
        for (Replica[] hop : List.of(new Replica[]{a, b}, new Replica[]{b, a})) {
            for (Replica redeemer : List.of(a, b)) {
                String verifier = SessionKeys.random(40);
                String form = showForm(hop[0], AuthorizationCodeGrant.s256(verifier));
                assertThat(allSecrets()).as("showing the form writes nothing").hasSize(before);

                FormLogin.Outcome wrong = hop[1].forms().submit(form, BROWSER.value(), "alice", "not-it", "192.0.2.1",
                        AUDIENCE);
                assertThat(wrong).isEqualTo(new FormLogin.Retry(
                        hop[0].requests().unseal(form, AUDIENCE).request(), 200, FormLogin.WRONG_CREDENTIALS));
                assertThat(allSecrets()).as("a failed login writes nothing either").hasSize(before);

                FormLogin.Outcome ok = hop[1].forms().submit(form, BROWSER.value(), "alice", "alice-password", "192.0.2.1",
                        AUDIENCE);
                assertThat(ok).isInstanceOf(FormLogin.Issued.class);
                FormLogin.Issued issued = (FormLogin.Issued) ok;
                assertThat(issued.request().state()).contains("st");
                GrantResult g = redeem(redeemer, issued.code(), verifier);
                assertThat(g.user().user().subject()).isEqualTo("subject-of-alice");
                assertThat(g.nonce()).contains("n-1");

                assertThat(hop[0].forms().submit(form, BROWSER.value(), "alice", "alice-password", "192.0.2.1", AUDIENCE))
                        .as("the same form, back at the replica that showed it").isEqualTo(
                                new FormLogin.Rejected(Refusal.SPENT));
                before = allSecrets().size();
            }
        }
        List<Secret> spent = sessionSecrets("spent-authorization-request");
        assertThat(spent).as("one per successful login, and nothing else left").hasSize(4);
        assertThat(sessionSecrets("authorization-code")).as("redeemed").isEmpty();
        Secret s = spent.get(0);
        assertThat(s.getType()).isEqualTo("greenshank.io/spent-authorization-request");
        assertThat(s.getMetadata().getAnnotations()).containsKey(SecretSessionStore.EXPIRES_ANNOTATION);
    }

    @Test
    void aFormPostedAtBothReplicasAtOnceYieldsExactlyOneCode() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 25; i++) {
                String verifier = SessionKeys.random(40);
                String form = showForm(i % 2 == 0 ? a : b, AuthorizationCodeGrant.s256(verifier));
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<FormLogin.Outcome>> posts = new ArrayList<>();
                for (Replica r : List.of(a, b)) {
                    posts.add(pool.submit(() -> {
                        barrier.await();
                        return r.forms().submit(form, BROWSER.value(), "alice", "alice-password", "192.0.2.1", AUDIENCE);
                    }));
                }
                List<FormLogin.Outcome> outcomes = new ArrayList<>();
                for (var f : posts) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).as("iteration %d", i).filteredOn(FormLogin.Issued.class::isInstance).hasSize(1);
                assertThat(outcomes).as("iteration %d", i).contains(new FormLogin.Rejected(Refusal.SPENT));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sessionSecrets("authorization-code")).as("one code per form").hasSize(25);
        assertThat(sessionSecrets("spent-authorization-request")).hasSize(25);
        double conflicts = 0;
        for (Replica r : List.of(a, b)) {
            conflicts += r.metrics().find("greenshank_bridge_session_store_operations_total")
                    .tag("kind", "spent-authorization-request").tag("outcome", "conflict").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
        }
        assertThat(conflicts).as("the API server refused the loser's create every time").isEqualTo(25.0);
    }

    @Test
    void aReplicaWithoutTheSharedKeysRefusesTheForm() throws Exception {
        Replica stranger = replica(false);
        String form = showForm(a, "c".repeat(43));
        assertThat(stranger.forms().submit(form, BROWSER.value(), "alice", "alice-password", "192.0.2.1", AUDIENCE))
                .isEqualTo(new FormLogin.Rejected(Refusal.UNKNOWN_KEY));
        assertThat(stranger.metrics().get("greenshank_bridge_login_form_refusals_total").tag("reason", "unknown_key")
                .counter().count()).isEqualTo(1.0);
        assertThat(sessionSecrets("spent-authorization-request")).isEmpty();
        assertThat(sessionSecrets("authorization-code")).isEmpty();
    }

    static Directory directory() {
        return new Directory() {
            @Override
            public Optional<DirectoryUser> findUser(String login) {
                return login.equals(ALICE.username()) ? Optional.of(ALICE) : Optional.empty();
            }

            @Override
            public DirectoryUser authenticate(String login, String password) throws LoginFailedException {
                if (login.equals(ALICE.username()) && "alice-password".equals(password)) {
                    return ALICE;
                }
                throw new LoginFailedException(LoginFailedException.Reason.BAD_CREDENTIALS, "test directory");
            }
        };
    }

    static ThrottleConfig throttle() {
        return io.greenshank.bridge.throttle.ThrottleConfigs.of(5, 20);
    }
}
