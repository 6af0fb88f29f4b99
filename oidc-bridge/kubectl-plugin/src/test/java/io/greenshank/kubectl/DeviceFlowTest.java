package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.greenshank.kubectl.testing.Hs256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin's device-flow client against a scripted bridge (the real bridge's flow is tested in the server module):
 * what it asks, what it prints where, and how it paces its polls.
 */
class DeviceFlowTest {

    HttpServer server;
    final Deque<String[]> pollAnswers = new ArrayDeque<>();
    final List<String> polls = new ArrayList<>();
    String deviceAnswer = "{\"device_code\":\"dc-1\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":"
            + "\"https://bridge.example.test/device\",\"verification_uri_complete\":"
            + "\"https://bridge.example.test/device?user_code=WDJB-MJHT\",\"expires_in\":600,\"interval\":5}";
    String deviceRequest;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> answer(ex, 200, "{\"token_endpoint\":\""
                + base() + "/token\",\"device_authorization_endpoint\":\"" + base() + "/device_authorization\"}"));
        server.createContext("/device_authorization", ex -> {
            deviceRequest = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            answer(ex, 200, deviceAnswer);
        });
        server.createContext("/token", ex -> {
            polls.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String[] a = pollAnswers.isEmpty() ? new String[] {"400", "{\"error\":\"authorization_pending\"}"}
                    : pollAnswers.poll();
            answer(ex, Integer.parseInt(a[0]), a[1]);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    static String error(String e) {
        return "{\"error\":\"" + e + "\"}";
    }

    static String idToken() {
        return new Hs256("k".repeat(32).getBytes(StandardCharsets.UTF_8)).sign(
                Map.of("sub", "alice", "exp", System.currentTimeMillis() / 1000 + 600));
    }

    final List<Duration> sleeps = new ArrayList<>();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    BridgeClient.TokenResponse login() throws Exception {
        BridgeClient client = new BridgeClient(URI.create(base()), "kubectl", Optional.empty(), Optional.empty());
        return new DeviceFlow(client, new PrintStream(err, true, StandardCharsets.UTF_8), sleeps::add).login();
    }

    @Test
    void printsWhereToSignInOnStderrAndPollsAtTheIntervalSlowingDownByFiveSeconds() throws Exception {
        pollAnswers.add(new String[] {"400", error("authorization_pending")});
        pollAnswers.add(new String[] {"400", error("slow_down")});
        pollAnswers.add(new String[] {"503", error("temporarily_unavailable")});
        pollAnswers.add(new String[] {"400", error("slow_down")});
        String id = idToken();
        pollAnswers.add(new String[] {"200", "{\"id_token\":\"" + id + "\",\"refresh_token\":\"rt\","
                + "\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":600}"});
        BridgeClient.TokenResponse r = login();
        assertThat(r.idToken()).isEqualTo(id);
        assertThat(r.refreshToken()).contains("rt");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(15));
        assertThat(deviceRequest).contains("client_id=kubectl").contains("scope=openid+offline_access");
        assertThat(polls).hasSize(5).allSatisfy(p -> assertThat(p)
                .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
                .contains("device_code=dc-1").contains("client_id=kubectl"));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(stderr).contains("open https://bridge.example.test/device?user_code=WDJB-MJHT")
                .contains("open https://bridge.example.test/device and enter the code WDJB-MJHT")
                .contains("expires in 600 s");
    }

    @Test
    void deniedExpiredAndOtherErrorsEndTheLoginWithAReason() throws Exception {
        pollAnswers.add(new String[] {"400", error("access_denied")});
        assertThatThrownBy(this::login).isInstanceOf(CredentialFlow.NoCredential.class)
                .hasMessageContaining("denied in the browser");
        pollAnswers.add(new String[] {"400", error("expired_token")});
        assertThatThrownBy(this::login).isInstanceOf(CredentialFlow.NoCredential.class)
                .hasMessageContaining("expired before it was approved");
        pollAnswers.add(new String[] {"400", error("invalid_grant")});
        assertThatThrownBy(this::login).isInstanceOf(CredentialFlow.NoCredential.class)
                .hasMessageContaining("invalid_grant");
    }

    @Test
    void aSillyIntervalIsClampedAndAMissingFieldIsAnError() throws Exception {
        deviceAnswer = deviceAnswer.replace("\"interval\":5", "\"interval\":0");
        pollAnswers.add(new String[] {"400", error("access_denied")});
        assertThatThrownBy(this::login).isInstanceOf(CredentialFlow.NoCredential.class);
        assertThat(sleeps).containsExactly(DeviceFlow.MIN_INTERVAL);
        deviceAnswer = "{\"user_code\":\"WDJB-MJHT\"}";
        assertThatThrownBy(this::login).isInstanceOf(BridgeClient.BridgeError.class)
                .hasMessageContaining("lacks device_code");
    }

    @Test
    void theCodeRunningOutWhilePendingEndsTheWait() throws Exception {
        deviceAnswer = deviceAnswer.replace("\"expires_in\":600", "\"expires_in\":0");
        assertThatThrownBy(this::login).isInstanceOf(CredentialFlow.NoCredential.class)
                .hasMessageContaining("expired before it was approved");
        assertThat(polls).hasSize(1);
    }
}
