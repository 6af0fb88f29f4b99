package io.greenshank.bridge.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.session.SecretSessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.greenshank.identity.AuthMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With the Kubernetes API gone, the refresh grant and the minter refuse: no token leaves without its state. */
class SessionStateFailsClosedTest {

    static final OidcClient KUBECTL = new OidcClient("kubectl", Optional.empty(), List.of(),
            Set.of("password", "refresh_token"), List.of());
    static final DirectoryUser ALICE = new DirectoryUser("subject-of-alice", "alice", "uid=alice,dc=test",
            Optional.empty(), Optional.empty(), List.of("staff"), AccountStatus.ACTIVE);

    CrudApiServer api;
    KubernetesClient client;

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        client = api.replicaClient(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void refreshAndLoginAnswerTemporarilyUnavailableAndMintNothing() throws Exception {
        RefreshTokens tokens = new RefreshTokens(new SecretSessionStore<>(client, "auth", RefreshTokens.KIND),
                Clock.systemUTC());
        KeyManager keys = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(30),
                Duration.ofHours(6), Duration.ofMinutes(10), KeyManager.generator("ES256"));
        keys.refresh();
        TokenMinter minter = new TokenMinter(keys, tokens, IssuanceBenchmark.lifetimes(), Clock.systemUTC());
        AuthenticatedUser alice = AuthenticatedUser.of(ALICE, AuthMethod.PASSWORD, Instant.now());
        String refresh = minter.mint("https://bridge.test", KUBECTL, GrantResult.of(alice, Set.of("openid")))
                .refreshToken().orElseThrow();
        GrantResult continued = new RefreshTokenGrant(tokens, directoryWith(ALICE)).grant(request(refresh));
        api.server().destroy();

        assertThatThrownBy(() -> new RefreshTokenGrant(tokens, directoryWith(ALICE)).grant(request(refresh)))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.error()).isEqualTo("temporarily_unavailable");
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.headers()).containsKey("Retry-After");
                });
        assertThatThrownBy(() -> minter.mint("https://bridge.test", KUBECTL, continued))
                .as("the successor cannot be recorded: no tokens at all")
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> minter.mint("https://bridge.test", KUBECTL, GrantResult.of(alice, Set.of("openid"))))
                .as("a fresh login whose family cannot be stored gets no tokens either")
                .isInstanceOf(SessionStoreUnavailableException.class);
    }

    static TokenRequest request(String refreshToken) {
        return new TokenRequest(KUBECTL, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
                Map.of(), "127.0.0.1", "https://bridge.test");
    }

    static Directory directoryWith(DirectoryUser user) {
        return new Directory() {
            @Override
            public Optional<DirectoryUser> findUser(String login) {
                return login.equals(user.username()) ? Optional.of(user) : Optional.empty();
            }

            @Override
            public DirectoryUser authenticate(String login, String password) {
                throw new UnsupportedOperationException("not used by the refresh grant");
            }
        };
    }
}
