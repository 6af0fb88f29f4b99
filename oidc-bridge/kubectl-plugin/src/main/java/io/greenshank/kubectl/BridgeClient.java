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

/**
 * Talks to the bridge: discovery, the token endpoint's token-exchange, refresh, password and device-code grants, and
 * the device authorization endpoint.
 */
public final class BridgeClient {
    /** The RFC 8693 grant type. */
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** Subject token type for a base64 SPNEGO (Negotiate) token; defined by Greenshank. */
    public static final String SPNEGO_TOKEN_TYPE = "urn:greenshank:params:oauth:token-type:spnego";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    /** The RFC 8628 grant type. */
    public static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

    private final URI issuer;
    private final String clientId;
    private final HttpClient http;
    private URI tokenEndpoint;
    private Map<String, Object> discovery;

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
            tokenEndpoint = discovered("token_endpoint");
        }
        return tokenEndpoint;
    }

    private URI discovered(String endpoint) throws IOException, BridgeError {
        if (discovery == null) {
            String base = issuer.toString().replaceAll("/+$", "");
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create(base + "/.well-known/openid-configuration")).GET());
            if (response.statusCode() != 200) {
                throw new BridgeError("discovery", response.statusCode(), "unexpected_status",
                        "GET " + base + "/.well-known/openid-configuration answered " + response.statusCode());
            }
            discovery = Json.parseObject(response.body());
        }
        if (!(discovery.get(endpoint) instanceof String s)) {
            throw new BridgeError("discovery", 200, "invalid_discovery", "no " + endpoint + " in discovery");
        }
        return URI.create(s);
    }

    /** RFC 8628 §3.1: a device code, and the user code and page for the user. */
    public DeviceAuthorization deviceAuthorization() throws IOException, BridgeError {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid offline_access");
        Map<String, Object> json = postForm("device sign-in", discovered("device_authorization_endpoint"), form)
                .json();
        Optional<String> deviceCode = string(json, "device_code");
        Optional<String> userCode = string(json, "user_code");
        Optional<String> uri = string(json, "verification_uri");
        if (deviceCode.isEmpty() || userCode.isEmpty() || uri.isEmpty()
                || !(json.get("expires_in") instanceof Number expires)) {
            throw new BridgeError("device sign-in", 200, "invalid_response",
                    "the device authorization answer lacks device_code, user_code, verification_uri or expires_in");
        }
        long interval = json.get("interval") instanceof Number n ? n.longValue() : 5;
        return new DeviceAuthorization(deviceCode.get(), userCode.get(), uri.get(),
                string(json, "verification_uri_complete"), Duration.ofSeconds(expires.longValue()),
                Duration.ofSeconds(interval));
    }

    /** One poll (RFC 8628 §3.4); {@code authorization_pending} and the like come back as {@link BridgeError}s. */
    public TokenResponse pollDevice(String deviceCode) throws IOException, BridgeError {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_CODE);
        form.put("client_id", clientId);
        form.put("device_code", deviceCode);
        return post("device sign-in", form);
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
        Answer answer = postForm(what, tokenEndpoint(), form);
        Map<String, Object> json = answer.json();
        HttpResponse<String> response = answer.response();
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

    private record Answer(HttpResponse<String> response, Map<String, Object> json) {
    }

    /** A form post answered 200 with a JSON object; an OAuth error otherwise. */
    private Answer postForm(String what, URI endpoint, Map<String, String> form) throws IOException, BridgeError {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        Map<String, Object> json;
        try {
            json = Json.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            throw new BridgeError(what, response.statusCode(), "invalid_response",
                    endpoint + " answered " + response.statusCode() + " without a JSON body");
        }
        if (response.statusCode() != 200) {
            throw new BridgeError(what, response.statusCode(), string(json, "error").orElse("unknown_error"),
                    string(json, "error_description").orElse(""));
        }
        return new Answer(response, json);
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

    /** What the device authorization endpoint answered (RFC 8628 §3.2). */
    public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
                                      Optional<String> verificationUriComplete, Duration expiresIn,
                                      Duration interval) {
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
