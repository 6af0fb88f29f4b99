package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.oidc.CodeGrants;
import io.greenshank.bridge.oidc.Issuer;
import io.greenshank.bridge.session.MemorySessionStore;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.RefreshTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reused authorization code revokes the tokens issued from it (RFC 6749 §4.1.2): the webhook, which otherwise
 * verifies offline, asks the session store about any token that carries a code grant ({@code sid}) and refuses it
 * once revoked, or when the store cannot say.
 */
class TokenReviewRevocationTest {

    static final String ISSUER = "https://bridge.example.com";
    static final String GRANT = CodeGrants.idOf("a-code");

    Vertx vertx;
    KeyManager keys;
    WebhookPki pki;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        keys = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(7), Duration.ofDays(1),
                Duration.ofMinutes(10), KeyManager.generator("ES256"));
        keys.refresh();
        pki = WebhookPki.create(Path.of("target", "token-review-revocation-pki").toAbsolutePath());
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    KubeApiServerWebhookModel apiServerFor(SessionStore<CodeGrants.Grant> grants) throws Exception {
        CodeGrants codeGrants = new CodeGrants(grants, new RefreshTokens(new MemorySessionStore<>(RefreshTokens.KIND),
                Clock.systemUTC()), Duration.ofMinutes(10), Clock.systemUTC(), new SimpleMeterRegistry());
        TokenReviewServer server = new TokenReviewServer(TokenReviewStartupTest.config(true,
                Optional.of(pki.serverCert().toString()), Optional.of(pki.serverKey().toString()),
                Optional.of(pki.ca().toString())), vertx, ConfigProvider.getConfig(), new Issuer(Optional.of(ISSUER)),
                keys, codeGrants, Clock.systemUTC(), new SimpleMeterRegistry());
        server.start(null);
        return new KubeApiServerWebhookModel(TokenReviewStartupTest.kubeconfig(pki, server.port(), "revocation.yaml"),
                "v1", List.of("kubectl"));
    }

    String token(Optional<String> grant) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice-subject")
                .audience("kubectl").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID("jti-1").claim("email", "alice@example.com").claim("email_verified", true);
        grant.ifPresent(g -> c.claim(CodeGrants.CLAIM, g));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(keys.signer().algorithm()).keyID(keys.signer().kid())
                .type(JOSEObjectType.JWT).build(), c.build());
        jwt.sign(keys.signer().signer());
        return jwt.serialize();
    }

    @Test
    void aTokenOfACodeLaterReusedIsRefusedWhileOtherTokensStayValid() throws Exception {
        MemorySessionStore<CodeGrants.Grant> grants = new MemorySessionStore<>(CodeGrants.KIND);
        KubeApiServerWebhookModel api = apiServerFor(grants);
        String fromCode = token(Optional.of(GRANT));
        String fromPassword = token(Optional.empty());

        grants.create(GRANT, new CodeGrants.Grant(false, Instant.now().plusSeconds(600)));
        assertThat(api.authenticateToken(fromCode, List.of()).authenticated()).isTrue();

        // what a reuse at any replica leaves in the shared store
        String version = grants.get(GRANT).orElseThrow().version();
        grants.replace(GRANT, new CodeGrants.Grant(true, Instant.now().plusSeconds(600)), version);
        KubeApiServerWebhookModel.Outcome revoked = api.authenticateToken(fromCode, List.of());
        assertThat(revoked.authenticated()).isFalse();
        assertThat(revoked.error()).contains(Refusal.REVOKED.error());
        assertThat(api.authenticateToken(fromPassword, List.of()).authenticated()).isTrue();
    }

    @Test
    void whenTheStoreCannotSayTheCodeTokenIsRefusedAndNothingElseIs() throws Exception {
        KubeApiServerWebhookModel api = apiServerFor(new UnavailableStore());
        KubeApiServerWebhookModel.Outcome unchecked = api.authenticateToken(token(Optional.of(GRANT)), List.of());
        assertThat(unchecked.authenticated()).isFalse();
        assertThat(unchecked.error()).contains(Refusal.REVOCATION_UNCHECKED.error());
        assertThat(api.authenticateToken(token(Optional.empty()), List.of()).authenticated()).isTrue();
    }

    /** A session store whose API server does not answer. */
    static final class UnavailableStore implements SessionStore<CodeGrants.Grant> {
        private static SessionStoreUnavailableException down() {
            return new SessionStoreUnavailableException("the API server did not answer", null);
        }

        @Override
        public Optional<Stored<CodeGrants.Grant>> get(String key) throws SessionStoreUnavailableException {
            throw down();
        }

        @Override
        public boolean create(String key, CodeGrants.Grant value) throws SessionStoreUnavailableException {
            throw down();
        }

        @Override
        public boolean replace(String key, CodeGrants.Grant value, String version)
                throws SessionStoreUnavailableException {
            throw down();
        }

        @Override
        public boolean delete(String key) throws SessionStoreUnavailableException {
            throw down();
        }

        @Override
        public List<Stored<CodeGrants.Grant>> find(Map<String, String> criteria) throws SessionStoreUnavailableException {
            throw down();
        }

        @Override
        public int sweep(Instant now) throws SessionStoreUnavailableException {
            throw down();
        }
    }
}
