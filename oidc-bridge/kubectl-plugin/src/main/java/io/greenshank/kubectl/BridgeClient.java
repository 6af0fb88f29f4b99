package io.greenshank.kubectl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Talks to the bridge: discovery and the token endpoint's token-exchange, refresh and password grants. */
public final class BridgeClient {
    /** The RFC 8693 grant type. */
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** Subject token type for a base64 SPNEGO (Negotiate) token; defined by Greenshank. */
    public static final String SPNEGO_TOKEN_TYPE = "urn:greenshank:params:oauth:token-type:spnego";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";

    private final URI issuer;
    private final String clientId;
    private final HttpClient http;
    private URI tokenEndpoint;

    public BridgeClient(URI issuer, String clientId, Optional<Path> caFile, Optional<URI> tokenEndpoint)
            throws IOException {
        this.issuer = issuer;
        this.clientId = clientId;
        this.tokenEndpoint = tokenEndpoint.orElse(null);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caFile.isPresent()) {
            builder.sslContext(trusting(caFile.get()));
        }
        this.http = builder.build();
    }

    public URI tokenEndpoint() throws IOException, BridgeError {
        if (tokenEndpoint == null) {
            String base = issuer.toString().replaceAll("/+$", "");
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create(base + "/.well-known/openid-configuration")).GET());
            if (response.statusCode() != 200) {
                throw new BridgeError("discovery", response.statusCode(), "unexpected_status",
                        "GET " + base + "/.well-known/openid-configuration answered " + response.statusCode());
            }
            Object endpoint = Json.parseObject(response.body()).get("token_endpoint");
            if (!(endpoint instanceof String s)) {
                throw new BridgeError("discovery", 200, "invalid_discovery", "no token_endpoint in discovery");
            }
            tokenEndpoint = URI.create(s);
        }
        return tokenEndpoint;
    }

    /**
     * Exchanges a SPNEGO token for an ID token (RFC 8693, subject token type {@link #SPNEGO_TOKEN_TYPE}). The
     * bridge's mutual-authentication token comes back in {@code WWW-Authenticate: Negotiate}.
     */
    public TokenResponse exchangeSpnego(byte[] spnegoToken) throws IOException, BridgeError {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("client_id", clientId);
        form.put("subject_token", Base64.getEncoder().encodeToString(spnegoToken));
        form.put("subject_token_type", SPNEGO_TOKEN_TYPE);
        form.put("requested_token_type", ID_TOKEN_TYPE);
        form.put("scope", "openid offline_access");
        return post("Kerberos exchange", form);
    }

    public TokenResponse refresh(String refreshToken) throws IOException, BridgeError {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", refreshToken);
        return post("refresh", form);
    }

    public TokenResponse password(String username, char[] password) throws IOException, BridgeError {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", new String(password));
        form.put("scope", "openid offline_access");
        return post("password login", form);
    }

    private TokenResponse post(String what, Map<String, String> form) throws IOException, BridgeError {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        Map<String, Object> json;
        try {
            json = Json.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            throw new BridgeError(what, response.statusCode(), "invalid_response",
                    "the token endpoint answered " + response.statusCode() + " without a JSON body");
        }
        if (response.statusCode() != 200) {
            throw new BridgeError(what, response.statusCode(), string(json, "error").orElse("unknown_error"),
                    string(json, "error_description").orElse(""));
        }
        Optional<String> idToken = string(json, "id_token");
        if (idToken.isEmpty() && ID_TOKEN_TYPE.equals(json.get("issued_token_type"))) {
            idToken = string(json, "access_token");
        }
        if (idToken.isEmpty()) {
            throw new BridgeError(what, 200, "invalid_response", "the token endpoint issued no ID token");
        }
        Optional<byte[]> mutual = response.headers().allValues("WWW-Authenticate").stream()
                .filter(v -> v.regionMatches(true, 0, "Negotiate ", 0, 10))
                .map(v -> Base64.getDecoder().decode(v.substring(10).trim()))
                .findFirst();
        return new TokenResponse(idToken.get(), string(json, "refresh_token"), mutual);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Optional<String> string(Map<String, Object> json, String key) {
        return json.get(key) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caFile + " as the bridge's CA: " + e.getMessage(), e);
        }
    }

    /** What the token endpoint issued. */
    public record TokenResponse(String idToken, Optional<String> refreshToken, Optional<byte[]> mutualAuthToken) {
    }

    /** The bridge answered with an OAuth error (RFC 6749 §5.2) or something that is not a token response. */
    public static final class BridgeError extends Exception {
        private final int status;
        private final String error;

        public BridgeError(String what, int status, String error, String description) {
            super(what + " refused by the bridge: " + error + (description.isEmpty() ? "" : " (" + description + ")"));
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }
}
