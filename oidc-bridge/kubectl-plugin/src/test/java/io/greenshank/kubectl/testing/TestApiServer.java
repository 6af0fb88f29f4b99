package io.greenshank.kubectl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.greenshank.kubectl.Json;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Stands in for the Kubernetes API server's OIDC authenticator over HTTPS (kubectl runs exec plugins only for https
 * servers): a request is answered 200 only if its bearer token verifies and its claims pass {@code claimsCheck};
 * otherwise 401 with a Kubernetes Status. Every accepted token's claims are recorded.
 */
public final class TestApiServer implements AutoCloseable {
    private final HttpsServer server;
    private final Function<String, Optional<Map<String, Object>>> verifier;
    public final List<Map<String, Object>> acceptedClaims = new CopyOnWriteArrayList<>();
    public final List<String> rejections = new CopyOnWriteArrayList<>();

    public TestApiServer(SelfSignedTls tls, Function<String, Optional<Map<String, Object>>> verifier)
            throws IOException {
        this.verifier = verifier;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Optional<Map<String, Object>> claims = auth != null && auth.startsWith("Bearer ")
                ? verifier.apply(auth.substring(7)) : Optional.empty();
        byte[] body;
        int status;
        if (claims.isPresent()) {
            acceptedClaims.add(claims.get());
            status = 200;
            body = Json.write(Map.of("kind", "SelfSubjectReview", "apiVersion", "authentication.k8s.io/v1",
                    "status", Map.of("userInfo", Map.of("username", claims.get().get("email"),
                            "groups", claims.get().get("groups")))), 0).getBytes(StandardCharsets.UTF_8);
        } else {
            rejections.add(auth == null ? "no Authorization header" : "token rejected");
            status = 401;
            body = Json.write(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                    "message", "Unauthorized", "reason", "Unauthorized", "code", 401), 0)
                    .getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
