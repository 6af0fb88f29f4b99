package io.greenshank.bridge.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.SecretKeyRingStore;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.session.SecretSessionStore;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.FamilyCap;
import io.greenshank.bridge.token.IssuedTokens;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.greenshank.bridge.token.TokenVerifier;
import io.greenshank.identity.AuthMethod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * RFC 6749 §4.1.2: a second redemption of an authorization code revokes the tokens issued from the first, at every
 * replica. Two replicas, each with its own client, keys cache and stores, over one Kubernetes API (fabric8's mock in
 * CRUD mode); each redeems through the same classes the token endpoint uses.
 */
class CodeReuseRevocationTest {

    static final String NS = "auth";
    static final String ISS = "https://bridge.example.test";
    static final String CB = "https://app.example.test/cb";
    static final OidcClient WEBAPP = new OidcClient("webapp", Optional.of("s3cret"), List.of(CB),
            Set.of("authorization_code", "refresh_token"), List.of("kubeflow"));
    static final DirectoryUser ALICE = new DirectoryUser("subject-of-alice", "alice", "uid=alice,dc=test",
            Optional.empty(), Optional.empty(), List.of("staff"), AccountStatus.ACTIVE);

    /** One bridge replica's token machinery. */
    record Replica(AuthorizationCodes codes, CodeGrants grants, RefreshTokens refresh, TokenMinter minter,
                   TokenVerifier verifier, SimpleMeterRegistry metrics) {

        /** What the token endpoint does for {@code grant_type=authorization_code}. */
        IssuedTokens redeem(String code) throws Exception {
            TokenRequest request = new TokenRequest(WEBAPP, Map.of("grant_type", "authorization_code", "code", code,
                    "redirect_uri", CB), Map.of(), "203.0.113.9", ISS);
            GrantResult result = new AuthorizationCodeGrant(codes).grant(request);
            IssuedTokens tokens = minter.mint(ISS, WEBAPP, result);
            if (result.grant().isPresent() && grants.revokedMeanwhile(result.grant().get())) {
                throw OAuthException.invalidGrant("unknown, used or expired code");
            }
            return tokens;
        }

        JWTClaimsSet access(IssuedTokens t) {
            return verifier.verify(t.accessToken(), ISS, true, false).orElseThrow();
        }
    }

    CrudApiServer api;
    KubernetesClient admin;
    Replica a;
    Replica b;

    @BeforeEach
    void start() throws Exception {
        api = CrudApiServer.start();
        admin = api.admin();
        a = replica();
        b = replica();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Replica replica() throws Exception {
        KubernetesClient c = api.replicaClient(Duration.ofSeconds(2));
        Clock clock = Clock.systemUTC();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        KeyManager keys = ReplicatedLoginFormTest.keys(new SecretKeyRingStore(c, NS, "greenshank-oidc-bridge-keys"),
                clock);
        RefreshTokens refresh = new RefreshTokens(store(c, RefreshTokens.KIND, metrics), clock, FamilyCap.NONE,
                metrics);
        CodeGrants grants = new CodeGrants(store(c, CodeGrants.KIND, metrics), refresh,
                IssuanceBenchmark.lifetimes().accessTokenLifetime(), clock, metrics);
        AuthorizationCodes codes = new AuthorizationCodes(store(c, AuthorizationCodes.KIND, metrics),
                Duration.ofMinutes(1), clock, Optional.of(grants));
        return new Replica(codes, grants, refresh, new TokenMinter(keys, refresh, IssuanceBenchmark.lifetimes(), clock),
                new TokenVerifier(keys), metrics);
    }

    static <V> SessionStore<V> store(KubernetesClient c, SessionKind<V> kind, SimpleMeterRegistry metrics) {
        return ReplicatedLoginFormTest.store(c, kind, metrics);
    }

    String code(Replica r) throws Exception {
        return r.codes().issue(new AuthorizationRequests.Pending("webapp", CB, Optional.of("st"), Optional.of("n"),
                Optional.empty(), Set.of("openid", "groups"), Instant.now().plusSeconds(600)),
                AuthenticatedUser.of(ALICE, AuthMethod.PASSWORD, Instant.now()));
    }

    @Test
    void reuseAtAnotherReplicaRevokesTheRefreshFamilyAndTheAccessTokensEverywhere() throws Exception {
        String code = code(a);
        IssuedTokens first = a.redeem(code);
        JWTClaimsSet at = a.access(first);
        assertThat(at.getStringClaim(CodeGrants.CLAIM)).isEqualTo(CodeGrants.idOf(code));
        assertThat(first.refreshToken()).get().asString().startsWith(CodeGrants.idOf(code) + ".");
        // Before the reuse: valid at both replicas, and the family refreshes (its successor is what a client holds).
        assertThat(a.grants().isRevoked(at)).isFalse();
        assertThat(b.grants().isRevoked(b.access(first))).isFalse();
        RefreshTokens.Redemption r1 = b.refresh().redeem(first.refreshToken().get(), "webapp");
        IssuedTokens refreshed = b.minter().mint(ISS, WEBAPP, new GrantResult(r1.session().user(),
                r1.session().scopes(), List.of(), Optional.empty(), Optional.of(r1), Map.of(), true));
        String second = refreshed.refreshToken().orElseThrow();
        assertThat(b.access(refreshed).getStringClaim(CodeGrants.CLAIM)).as("a refresh continues the grant")
                .isEqualTo(CodeGrants.idOf(code));

        assertThatThrownBy(() -> b.redeem(code)).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error()).isEqualTo("invalid_grant"));

        // Revoked at both replicas: the access token (userinfo, token exchange) and the whole refresh family.
        assertThat(a.grants().isRevoked(at)).isTrue();
        assertThat(b.grants().isRevoked(b.access(first))).isTrue();
        assertThat(a.grants().isRevoked(a.access(refreshed))).isTrue();
        assertThatThrownBy(() -> a.refresh().redeem(second, "webapp"))
                .isInstanceOfSatisfying(RefreshTokens.RefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(RefreshTokens.Refusal.UNKNOWN));
        assertThat(b.metrics().counter(CodeGrants.REVOKED_METRIC).count()).isEqualTo(1.0);
        assertThat(secrets("refresh-family")).isEmpty();
        assertThat(secrets("code-grant")).hasSize(1);
        // A third attempt is refused too and the revocation stays (idempotent).
        assertThatThrownBy(() -> a.redeem(code)).isInstanceOf(OAuthException.class);
        assertThat(b.grants().isRevoked(at)).isTrue();
    }

    @Test
    void tokensOfOtherCodesAndOtherGrantsAreUntouched() throws Exception {
        String reused = code(a);
        String other = code(a);
        IssuedTokens fromReused = a.redeem(reused);
        IssuedTokens fromOther = a.redeem(other);
        GrantResult password = GrantResult.of(AuthenticatedUser.of(ALICE, AuthMethod.PASSWORD, Instant.now()),
                Set.of("openid"));
        IssuedTokens fromPassword = a.minter().mint(ISS, WEBAPP, password);
        assertThatThrownBy(() -> b.redeem(reused)).isInstanceOf(OAuthException.class);
        assertThat(b.grants().isRevoked(b.access(fromReused))).isTrue();
        assertThat(b.grants().isRevoked(b.access(fromOther))).isFalse();
        assertThat(b.grants().isRevoked(b.access(fromPassword))).isFalse();
        assertThat(b.refresh().redeem(fromOther.refreshToken().get(), "webapp")).isNotNull();
        assertThat(b.refresh().redeem(fromPassword.refreshToken().get(), "webapp")).isNotNull();
    }

    @Test
    void aCodeRedeemedAtOnceAtTwoReplicasIssuesNothingThatStaysValid() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String code = code(a);
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<Optional<IssuedTokens>>> outcomes = new ArrayList<>();
                for (Replica r : List.of(a, b)) {
                    Callable<Optional<IssuedTokens>> redeem = () -> {
                        barrier.await();
                        try {
                            return Optional.of(r.redeem(code));
                        } catch (OAuthException e) {
                            return Optional.empty();
                        }
                    };
                    outcomes.add(pool.submit(redeem));
                }
                List<IssuedTokens> issued = new ArrayList<>();
                for (Future<Optional<IssuedTokens>> f : outcomes) {
                    f.get().ifPresent(issued::add);
                }
                assertThat(issued).as("round %d: at most one redemption issues", round).hasSizeLessThanOrEqualTo(1);
                // The other redemption was a reuse: whatever the winner issued is revoked, family included.
                for (IssuedTokens t : issued) {
                    assertThat(a.grants().isRevoked(a.access(t))).as("round %d", round).isTrue();
                    assertThatThrownBy(() -> b.refresh().redeem(t.refreshToken().get(), "webapp"))
                            .isInstanceOf(RefreshTokens.RefusedException.class);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(secrets("refresh-family")).isEmpty();
    }

    List<Secret> secrets(String kind) {
        return admin.secrets().inNamespace(NS).withLabel(SecretSessionStore.KIND_LABEL, kind).list().getItems();
    }
}
