package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.oidc.Issuer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fail closed at start: the webhook port never opens without TLS, client-certificate CA and issuer. */
class TokenReviewStartupTest {

    record Cfg(boolean enabled, String host, int port, String path, Optional<String> certificateFile,
               Optional<String> keyFile, Optional<String> clientCaFile, Optional<List<String>> clientNames,
               List<String> audiences, Optional<String> usernamePrefix, Optional<String> groupsPrefix,
               int cacheMaxEntries, int maxRequestBytes, boolean http2) implements TokenReviewConfig {
    }

    static WebhookPki pki;
    static KeyManager keys;

    @BeforeAll
    static void setUp() throws Exception {
        pki = WebhookPki.create(Path.of("target", "token-review-startup-pki").toAbsolutePath());
        keys = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), Duration.ofDays(7), Duration.ofDays(1),
                Duration.ofMinutes(10), KeyManager.generator("ES256"));
        keys.refresh();
    }

    static Cfg config(boolean enabled, Optional<String> cert, Optional<String> key, Optional<String> ca) {
        return config(enabled, cert, key, ca, Optional.empty());
    }

    static Cfg config(boolean enabled, Optional<String> cert, Optional<String> key, Optional<String> ca,
                      Optional<List<String>> clientNames) {
        return config(enabled, cert, key, ca, clientNames, true);
    }

    static Cfg config(boolean enabled, Optional<String> cert, Optional<String> key, Optional<String> ca,
                      Optional<List<String>> clientNames, boolean http2) {
        return new Cfg(enabled, "127.0.0.1", 0, "/tokenreview", cert, key, ca, clientNames, List.of("kubectl"),
                Optional.empty(), Optional.empty(), 10_000, 65536, http2);
    }

    static TokenReviewServer server(Cfg cfg, Optional<String> issuer, Vertx vertx) {
        // start-up alone: no review here reaches the code-grant check
        return new TokenReviewServer(cfg, vertx, ConfigProvider.getConfig(), new Issuer(issuer), keys, null,
                Clock.systemUTC(), new SimpleMeterRegistry());
    }

    /** The API server's webhook config file pointing at {@code port}, written beside {@code pki}'s files. */
    static Path kubeconfig(WebhookPki pki, int port, String name) throws Exception {
        Path kubeconfig = pki.dir().resolve(name);
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bridge
                  cluster:
                    server: https://localhost:%d/tokenreview
                    certificate-authority: ca.crt
                users:
                - name: apiserver
                  user:
                    client-certificate: apiserver-client.crt
                    client-key: apiserver-client.key
                contexts:
                - name: webhook
                  context:
                    cluster: bridge
                    user: apiserver
                current-context: webhook
                """.formatted(port));
        return kubeconfig;
    }

    static final Optional<String> ISSUER = Optional.of("https://bridge.example.com");

    Optional<String> cert() {
        return Optional.of(pki.serverCert().toString());
    }

    Optional<String> key() {
        return Optional.of(pki.serverKey().toString());
    }

    Optional<String> ca() {
        return Optional.of(pki.ca().toString());
    }

    @Test
    void disabledOpensNothing() throws Exception {
        TokenReviewServer s = server(config(false, Optional.empty(), Optional.empty(), Optional.empty()),
                Optional.empty(), null);
        s.start(null);
        assertThat(s.port()).isEqualTo(-1);
    }

    @Test
    void withoutAClientCaItDoesNotStart() {
        assertThatThrownBy(() -> server(config(true, cert(), key(), Optional.empty()), ISSUER, null).start(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("greenshank.bridge.token-review.client-ca-file")
                .hasMessageContaining("no plain or unauthenticated mode");
        assertThatThrownBy(() -> server(config(true, cert(), key(), Optional.of("/nonexistent/ca.crt")), ISSUER, null)
                .start(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/ca.crt is not a readable file");
    }

    @Test
    void withoutACertificateItDoesNotStart() {
        assertThatThrownBy(() -> server(config(true, Optional.empty(), key(), ca()), ISSUER, null).start(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("greenshank.bridge.token-review.certificate-file");
        assertThatThrownBy(() -> server(config(true, cert(), Optional.empty(), ca()), ISSUER, null).start(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("greenshank.bridge.token-review.key-file");
    }

    @Test
    void withoutAConfiguredIssuerItDoesNotStart() {
        assertThatThrownBy(() -> server(config(true, cert(), key(), ca()), Optional.empty(), null).start(null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("greenshank.bridge.issuer");
    }

    @Test
    void clientNamesLimitWhichCertificatesOfTheCaMayAsk() throws Exception {
        onVertx(vertx -> {
            for (var c : List.of(Map.entry(List.of("kube-apiserver"), 200), Map.entry(List.of("someone-else"), 403))) {
                TokenReviewServer s = server(config(true, cert(), key(), ca(), Optional.of(c.getKey())), ISSUER, vertx);
                s.start(null);
                Path kubeconfig = kubeconfig(pki, s.port(), "startup-webhook.yaml");
                // over h2 (the API server's default) and over HTTP/1.1 (its DISABLE_HTTP2): the same answer
                for (KubeApiServerWebhookModel api : List.of(
                        new KubeApiServerWebhookModel(kubeconfig, "v1", List.of("api")),
                        KubeApiServerWebhookModel.http1Only(kubeconfig, "v1", List.of("api")))) {
                    KubeApiServerWebhookModel.HttpResult r = api.post(api.requestBody("not-a-jwt", List.of()));
                    assertThat(r.status()).as(c.getKey() + " " + r.protocol()).isEqualTo(c.getValue());
                    KubeApiServerWebhookModel.Outcome o = api.authenticateToken("not-a-jwt", List.of());
                    assertThat(o.authenticated()).isFalse();
                    assertThat(o.error().orElseThrow()).isEqualTo(c.getValue() == 200
                            ? Refusal.MALFORMED_TOKEN.error() : "status 403");
                }
                s.stop(null);
            }
        });
    }

    @Test
    void h2IsOfferedOnlyWhenConfigured() throws Exception {
        onVertx(vertx -> {
            for (boolean http2 : List.of(false, true)) {
                TokenReviewServer s = server(config(true, cert(), key(), ca(), Optional.empty(), http2), ISSUER, vertx);
                s.start(null);
                // the model offers h2 and HTTP/1.1, as client-go does: the port's ALPN decides
                KubeApiServerWebhookModel api = new KubeApiServerWebhookModel(
                        kubeconfig(pki, s.port(), "alpn-webhook.yaml"), "v1", List.of("api"));
                KubeApiServerWebhookModel.HttpResult r = api.post(api.requestBody("not-a-jwt", List.of()));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.review().path("status").path("error").asText()).isEqualTo(Refusal.MALFORMED_TOKEN.error());
                assertThat(r.protocol()).as("http2=" + http2)
                        .contains(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
                s.stop(null);
            }
        });
    }

    @Test
    void fullyConfiguredItListens() throws Exception {
        onVertx(vertx -> {
            TokenReviewServer s = server(config(true, cert(), key(), ca()), ISSUER, vertx);
            s.start(null);
            assertThat(s.port()).isPositive();
            assertThat(s.reviewer()).isNotNull();
            s.stop(null);
        });
    }

    interface VertxWork {
        void run(Vertx vertx) throws Exception;
    }

    /** Runs {@code work} on a Vert.x of its own, closed afterwards. */
    static void onVertx(VertxWork work) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            work.run(vertx);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
