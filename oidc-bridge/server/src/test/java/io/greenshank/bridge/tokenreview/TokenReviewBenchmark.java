package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.oidc.IssuanceBenchmark;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TokenReview answers per second over HTTPS (client certificate, keep-alive) ÷ the same review in process (the
 * bridge's own check of the token against its published keys: parse, signature, claims, mapping). Excluded from
 * {@code verify}; run as docs/benchmarks.md says.
 */
@QuarkusTest
@TestProfile(TokenReviewProfile.class)
@Tag("benchmark")
class TokenReviewBenchmark {

    static final Duration JIT_WARMUP = Duration.ofSeconds(Integer.getInteger("bench.jitWarmup", 20));

    @Inject
    TokenReviewServer server;

    @Test
    void tokenReviewsOverHttpsVersusTheInProcessCheck() throws Exception {
        String token = TokenReviewWebhookTest.login("alice", "alice-password").path("id_token").asText();
        KubeApiServerWebhookModel api = TokenReviewWebhookTest.apiServer("v1");
        String body = api.requestBody(token, TokenReviewWebhookTest.API_AUDIENCES);
        String expected = "\"username\":\"alice@example.com\"";
        TokenReviewer reviewer = server.reviewer();

        // The API server's TLS settings (from the webhook kubeconfig) on a blocking client: each load thread writes
        // its request and reads the answer on its own kept-alive connection. Connection state is off: by default
        // Apache's client marks a connection authenticated with a client certificate as belonging to that principal
        // and, asked without one, never reuses it (a TLS handshake per request).
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("https", new SSLConnectionSocketFactory(api.ssl())).build());
        connections.setMaxTotal(64);
        connections.setDefaultMaxPerRoute(64);
        connections.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(30_000).build());
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(connections)
                .disableCookieManagement().disableAutomaticRetries().disableContentCompression().disableConnectionState()
                .build()) {
            IssuanceBenchmark.Op overHttps = () -> {
                HttpPost post = new HttpPost(api.server());
                post.setHeader("Accept", "application/json, */*");
                post.setHeader("User-Agent", KubeApiServerWebhookModel.USER_AGENT);
                post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
                try (CloseableHttpResponse response = client.execute(post)) {
                    String answer = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return response.getStatusLine().getStatusCode() == 200 && answer.contains(expected);
                }
            };
            IssuanceBenchmark.Op inProcess = () -> reviewer.review(token, TokenReviewWebhookTest.API_AUDIENCES)
                    instanceof Review.Authenticated a && a.user().username().equals("alice@example.com");
            assertThat(overHttps.run()).isTrue();
            assertThat(inProcess.run()).isTrue();
            long connectionsBefore = server.connectionsAccepted();
            IssuanceBenchmark.load(overHttps, JIT_WARMUP);
            IssuanceBenchmark.load(inProcess, JIT_WARMUP);
            IssuanceBenchmark.compare("TokenReview over HTTPS (client certificate, keep-alive)", overHttps,
                    "the same review in process", inProcess);
            // Keep-alive held: the bridge accepted no more connections than there are load threads.
            long opened = server.connectionsAccepted() - connectionsBefore;
            IssuanceBenchmark.REPORT.add("TLS connections accepted during the measurement: " + opened);
            System.out.println("BENCH TLS connections accepted during the measurement: " + opened);
            assertThat(opened).isLessThanOrEqualTo(Integer.getInteger("bench.threads", 4));
        }
        Path out = Path.of("target", "benchmarks", "tokenreview.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, List.copyOf(IssuanceBenchmark.REPORT));
    }
}
