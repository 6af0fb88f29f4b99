package io.greenshank.kubectl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.greenshank.kubectl.Json;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * A minimal OAuth token endpoint over HTTPS that really verifies SPNEGO with JGSS and the service keytab, and answers
 * with the mutual-authentication token — the protocol the Greenshank bridge speaks — so the plugin can be tested
 * against a real Kerberos exchange without the bridge.
 */
public final class TestTokenEndpoint implements AutoCloseable {
    private final HttpsServer server;
    private final Subject acceptor;
    private final Hs256 signer;
    private final String audience;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    public final AtomicInteger exchanges = new AtomicInteger();
    public final AtomicInteger refreshes = new AtomicInteger();
    public final AtomicInteger passwordLogins = new AtomicInteger();
    public volatile long tokenLifetimeSeconds = 300;
    public volatile boolean sendMutualToken = true;

    public TestTokenEndpoint(SelfSignedTls tls, Path keytab, String servicePrincipal, Hs256 signer, String audience)
            throws IOException {
        this.signer = signer;
        this.audience = audience;
        KerberosPrincipal principal = new KerberosPrincipal(servicePrincipal);
        this.acceptor = new Subject(false, Set.of(principal), Set.of(),
                Set.of(KeyTab.getInstance(principal, new File(keytab.toString()))));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/token", this::token);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String issuer() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    public void addPassword(String user, String password) {
        passwords.put(user, password);
    }

    private void discovery(HttpExchange exchange) throws IOException {
        respond(exchange, 200, Map.of("issuer", issuer(), "token_endpoint", issuer() + "/token"), null);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        String grant = form.getOrDefault("grant_type", "");
        switch (grant) {
            case "urn:ietf:params:oauth:grant-type:token-exchange" -> {
                if (!"urn:greenshank:params:oauth:token-type:spnego".equals(form.get("subject_token_type"))) {
                    respond(exchange, 400, error("invalid_request", "unsupported subject_token_type"), null);
                    return;
                }
                byte[] token = Base64.getDecoder().decode(form.get("subject_token"));
                try {
                    String[] result = accept(token);
                    exchanges.incrementAndGet();
                    String user = result[0].replaceAll("@.*", "");
                    respond(exchange, 200, issue(user, "kerberos"), sendMutualToken ? result[1] : null);
                } catch (Exception e) {
                    respond(exchange, 401, error("invalid_grant", "Kerberos: " + e.getMessage()), null);
                }
            }
            case "refresh_token" -> {
                String user = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
                if (user == null) {
                    respond(exchange, 400, error("invalid_grant", "unknown refresh token"), null);
                    return;
                }
                refreshes.incrementAndGet();
                respond(exchange, 200, issue(user, "kerberos"), null);
            }
            case "password" -> {
                String expected = passwords.get(form.getOrDefault("username", ""));
                if (expected == null || !expected.equals(form.get("password"))) {
                    respond(exchange, 400, error("invalid_grant", "invalid username or password"), null);
                    return;
                }
                passwordLogins.incrementAndGet();
                respond(exchange, 200, issue(form.get("username"), "pwd"), null);
            }
            default -> respond(exchange, 400, error("unsupported_grant_type", grant), null);
        }
    }

    /** Returns {client principal, base64 mutual-auth token}. */
    private String[] accept(byte[] token) throws Exception {
        return Subject.doAs(acceptor, (PrivilegedExceptionAction<String[]>) () -> {
            GSSManager manager = GSSManager.getInstance();
            Oid spnego = new Oid("1.3.6.1.5.5.2");
            GSSCredential cred = manager.createCredential(null, GSSCredential.INDEFINITE_LIFETIME, spnego,
                    GSSCredential.ACCEPT_ONLY);
            GSSContext context = manager.createContext(cred);
            byte[] reply = context.acceptSecContext(token, 0, token.length);
            if (!context.isEstablished()) {
                throw new IllegalStateException("SPNEGO needs another round");
            }
            String client = context.getSrcName().toString();
            context.dispose();
            return new String[] {client, reply == null ? null : Base64.getEncoder().encodeToString(reply)};
        });
    }

    private Map<String, Object> issue(String user, String amr) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", "uid-" + user);
        claims.put("aud", audience);
        claims.put("iat", now);
        claims.put("exp", now + tokenLifetimeSeconds);
        claims.put("email", user + "@example.test");
        claims.put("groups", List.of("ml-team"));
        claims.put("amr", List.of(amr));
        claims.put("jti", UUID.randomUUID().toString());
        String refresh = UUID.randomUUID().toString();
        refreshTokens.put(refresh, user);
        Map<String, Object> body = new LinkedHashMap<>();
        String idToken = signer.sign(claims);
        body.put("access_token", idToken);
        body.put("issued_token_type", "urn:ietf:params:oauth:token-type:id_token");
        body.put("token_type", "N_A");
        body.put("id_token", idToken);
        body.put("refresh_token", refresh);
        body.put("expires_in", tokenLifetimeSeconds);
        return body;
    }

    private static Map<String, Object> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body, String negotiate)
            throws IOException {
        byte[] bytes = Json.write(body, 0).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (negotiate != null) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Negotiate " + negotiate);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
