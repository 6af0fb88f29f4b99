package io.greenshank.testing.oidc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OIDC issuer on a free loopback port, over HTTP or HTTPS with a self-signed certificate: a discovery document
 * at {@code /.well-known/openid-configuration} naming a JWKS the test sets. The test can take it down (any status
 * but 200), make discovery name another issuer, and demand a bearer token on the JWKS the way the Kubernetes API
 * server's {@code /openid/v1/jwks} does; it counts fetches and records the Authorization headers sent.
 */
public final class IssuerServer implements AutoCloseable {

    private final HttpServer server;
    private final String jwksPath;
    private final Optional<SelfSignedTls> tls;
    private volatile String jwks;
    private volatile int status = 200;
    private volatile String discoveryIssuer;
    private volatile String requiredBearer;
    private final AtomicInteger jwksHits = new AtomicInteger();
    private final AtomicInteger discoveryHits = new AtomicInteger();
    private final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();

    private IssuerServer(Builder b) throws IOException {
        this.jwks = b.jwks;
        this.jwksPath = b.jwksPath;
        this.tls = Optional.ofNullable(b.tls);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (b.tls != null) {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(b.tls.serverContext()));
            server = https;
        } else {
            server = HttpServer.create(loopback, 0);
        }
        server.createContext("/.well-known/openid-configuration", ex -> {
            discoveryHits.incrementAndGet();
            String iss = discoveryIssuer != null ? discoveryIssuer : issuer();
            respond(ex, status, "{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + jwksUri() + "\"}");
        });
        server.createContext(jwksPath, this::jwks);
        server.start();
    }

    /** An issuer serving {@code jwks} (a JWK Set document) at {@code /keys}, over plain HTTP unless told otherwise. */
    public static Builder serving(String jwks) {
        return new Builder(jwks);
    }

    /** Where the copies differed: the JWKS path and the transport. */
    public static final class Builder {
        private final String jwks;
        private String jwksPath = "/keys";
        private SelfSignedTls tls;

        private Builder(String jwks) {
            this.jwks = jwks;
        }

        public Builder jwksPath(String path) {
            this.jwksPath = path;
            return this;
        }

        /** Serve HTTPS with this certificate; clients trust {@link IssuerServer#caFile()}. */
        public Builder tls(SelfSignedTls tls) {
            this.tls = tls;
            return this;
        }

        public IssuerServer start() throws IOException {
            return new IssuerServer(this);
        }
    }

    private void jwks(HttpExchange ex) throws IOException {
        jwksHits.incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizationHeaders.add(auth == null ? "" : auth);
        String need = requiredBearer;
        if (need != null && !("Bearer " + need).equals(auth)) {
            respond(ex, 401, "{\"kind\":\"Status\",\"code\":401}");
            return;
        }
        respond(ex, status, status == 200 ? jwks : "{\"error\":\"down\"}");
    }

    /** Writes a JSON answer; for control endpoints a test adds with {@link #route}. */
    public static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** Serves one more path, e.g. an endpoint another class loader's test calls to rotate keys. */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    public String issuer() {
        return (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwksUri() {
        return issuer() + jwksPath;
    }

    /** The PEM certificate an HTTPS issuer presents (its own CA). */
    public Path caFile() {
        return tls.orElseThrow(() -> new IllegalStateException("a plain HTTP issuer")).caPem();
    }

    public void setJwks(String jwks) {
        this.jwks = jwks;
    }

    /** The status of every discovery and JWKS answer from now on; anything but 200 is an outage. */
    public void setStatus(int status) {
        this.status = status;
    }

    /** Make discovery name another issuer than this one ({@code null}: this one again). */
    public void setDiscoveryIssuer(String issuer) {
        this.discoveryIssuer = issuer;
    }

    /** From now on answer the JWKS only to {@code Authorization: Bearer <token>} ({@code null}: to anyone). */
    public void requireBearer(String token) {
        this.requiredBearer = token;
    }

    public int jwksHits() {
        return jwksHits.get();
    }

    public int discoveryHits() {
        return discoveryHits.get();
    }

    /** The Authorization header of the last JWKS fetch ("" when it sent none). */
    public Optional<String> lastAuthorization() {
        return authorizationHeaders.isEmpty() ? Optional.empty()
                : Optional.of(authorizationHeaders.get(authorizationHeaders.size() - 1));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
