package io.greenshank.identity.jwt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP IdP on a free loopback port: discovery document and JWKS, with switchable outage. */
final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private volatile String jwks;
    private volatile int status = 200;
    private volatile String discoveryIssuer;
    final AtomicInteger jwksHits = new AtomicInteger();
    final AtomicInteger discoveryHits = new AtomicInteger();

    JwksServer(String jwks) throws IOException {
        this.jwks = jwks;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/keys", ex -> {
            jwksHits.incrementAndGet();
            respond(ex, status, status == 200 ? this.jwks : "{\"error\":\"down\"}");
        });
        server.createContext("/.well-known/openid-configuration", ex -> {
            discoveryHits.incrementAndGet();
            String iss = discoveryIssuer != null ? discoveryIssuer : issuer();
            respond(ex, status, "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + issuer() + "/keys\"}");
        });
        server.start();
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void setJwks(String jwks) {
        this.jwks = jwks;
    }

    void setStatus(int status) {
        this.status = status;
    }

    void setDiscoveryIssuer(String iss) {
        this.discoveryIssuer = iss;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
