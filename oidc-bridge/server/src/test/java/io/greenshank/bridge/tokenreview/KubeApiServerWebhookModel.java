package io.greenshank.bridge.tokenreview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test-scope model of kube-apiserver's webhook token authenticator, written from Kubernetes' source:
 * <ul>
 * <li>staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/webhook/webhook.go:
 *     {@code WebhookTokenAuthenticator.AuthenticateToken} (the audience rules, {@link #authenticateToken}),
 *     {@code tokenReviewV1Client.Create} / {@code tokenReviewV1beta1Client.Create} (one POST of a TokenReview in the
 *     configured version, the answer decoded into the same version) and {@code v1beta1StatusToV1Status};</li>
 * <li>staging/src/k8s.io/apiserver/pkg/util/webhook/webhook.go: {@code newGenericWebhook} (the kubeconfig read with
 *     {@code clientcmd.NewNonInteractiveDeferredLoadingClientConfig}: current-context, its cluster and user; a 30 s
 *     request timeout; the legacy codec, so the body carries apiVersion and kind), {@code WithExponentialBackoff} and
 *     {@code DefaultShouldRetry} (up to 5 attempts on 500, 504, 429 or a reset connection);</li>
 * <li>k8s.io/client-go/rest (request.go {@code Request.Do}, {@code transformResponse}: any status outside 2xx is an
 *     error; {@code Content-Type: application/json} and {@code Accept: application/json, *}{@code /*}),
 *     client-go/transport (the TLS client certificate and CA from the kubeconfig) and client-go/tools/clientcmd
 *     ({@code ResolvePaths}: file paths relative to the kubeconfig's directory; {@code *-data} fields base64 PEM);</li>
 * <li>the protocol: client-go builds the webhook's transport with {@code utilnet.SetTransportDefaults}
 *     (k8s.io/client-go/transport/cache.go, {@code tlsTransportCache.get}), which, unless {@code DISABLE_HTTP2} is
 *     set, puts {@code h2} before {@code http/1.1} in the TLS config's {@code NextProtos}
 *     (k8s.io/apimachinery/pkg/util/net/http.go, {@code configureHTTP2Transport}): HTTP/2 where the webhook offers
 *     it in ALPN, HTTP/1.1 otherwise. The JDK client offers the same two; {@link #http1Only} models
 *     {@code DISABLE_HTTP2}.</li>
 * </ul>
 * Not modelled: the token cache in front of it (k8s.io/apiserver/pkg/authentication/token/cache), egress selection.
 */
final class KubeApiServerWebhookModel {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String USER_AGENT = "kube-apiserver/v1.32.0 (linux/amd64) kubernetes/70d3cc9";
    static final int MAX_ATTEMPTS = 5;

    /** What the API server concludes: {@code (response, ok, err)} of {@code AuthenticateToken}. */
    record Outcome(boolean authenticated, Optional<UserInfo> user, List<String> audiences, Optional<String> error,
                   int attempts, int lastStatus, Optional<HttpClient.Version> protocol) {
    }

    /** {@code user.DefaultInfo}. */
    record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    }

    private final URI server;
    private final String version;
    private final List<String> implicitAudiences;
    private final HttpClient http;
    private final SSLContext ssl;

    /**
     * @param kubeconfig        the file of {@code --authentication-token-webhook-config-file}
     * @param version           {@code --authentication-token-webhook-version}: {@code v1} (default since 1.19) or
     *                          {@code v1beta1}
     * @param implicitAudiences the API server's {@code --api-audiences} (default: the service-account issuer)
     */
    KubeApiServerWebhookModel(Path kubeconfig, String version, List<String> implicitAudiences) throws Exception {
        this(kubeconfig, version, implicitAudiences, HttpClient.Version.HTTP_2);
    }

    /** The API server started with {@code DISABLE_HTTP2}: it offers only HTTP/1.1. */
    static KubeApiServerWebhookModel http1Only(Path kubeconfig, String version, List<String> implicitAudiences)
            throws Exception {
        return new KubeApiServerWebhookModel(kubeconfig, version, implicitAudiences, HttpClient.Version.HTTP_1_1);
    }

    private KubeApiServerWebhookModel(Path kubeconfig, String version, List<String> implicitAudiences,
                                      HttpClient.Version protocol) throws Exception {
        JsonNode config = YAML.readTree(kubeconfig.toFile());
        String currentContext = config.path("current-context").asText();
        JsonNode context = named(config.path("contexts"), currentContext).path("context");
        JsonNode cluster = named(config.path("clusters"), context.path("cluster").asText()).path("cluster");
        JsonNode user = named(config.path("users"), context.path("user").asText()).path("user");
        Path base = kubeconfig.toAbsolutePath().getParent();
        this.server = URI.create(cluster.path("server").asText());
        if (!"https".equals(server.getScheme())) {
            throw new IllegalArgumentException("the model only speaks https, as the shipped config does: " + server);
        }
        if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
            throw new IllegalArgumentException("insecure-skip-tls-verify would let anyone answer for the bridge");
        }
        this.version = version;
        this.implicitAudiences = List.copyOf(implicitAudiences);
        byte[] ca = pem(base, cluster, "certificate-authority");
        byte[] cert = pem(base, user, "client-certificate");
        byte[] key = pem(base, user, "client-key");
        this.ssl = sslContext(ca, cert, key);
        this.http = HttpClient.newBuilder().version(protocol)
                .sslContext(ssl).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The client with the kubeconfig's TLS settings, for requests the API server never makes (wrong method). */
    HttpClient http() {
        return http;
    }

    /** The kubeconfig's TLS settings: its CA, the API server's client certificate and key. */
    SSLContext ssl() {
        return ssl;
    }

    URI server() {
        return server;
    }

    /**
     * {@code AuthenticateToken}: {@code wantAudiences} are the context's audiences (for an ordinary API request the
     * API server's implicit audiences; for a TokenReview created through the API its {@code spec.audiences});
     * empty means "not audience-limited" ({@code checkAuds} false).
     */
    Outcome authenticateToken(String token, List<String> wantAudiences) throws Exception {
        boolean checkAuds = !wantAudiences.isEmpty();
        HttpResult result = createWithBackoff(requestBody(token, wantAudiences));
        if (result.error().isPresent()) {
            return new Outcome(false, Optional.empty(), List.of(), result.error(), result.attempts(), result.status(),
                    result.protocol());
        }
        JsonNode status = result.review().path("status");
        List<String> auds = List.of();
        if (checkAuds) {
            List<String> got = strings(status.path("audiences"));
            if (got.isEmpty()) {
                got = implicitAudiences;
            }
            auds = intersect(wantAudiences, got);
            if (auds.isEmpty()) {
                return new Outcome(false, Optional.empty(), List.of(), Optional.empty(), result.attempts(),
                        result.status(), result.protocol());
            }
        }
        if (!status.path("authenticated").asBoolean(false)) {
            String error = status.path("error").asText("");
            return new Outcome(false, Optional.empty(), List.of(), error.isEmpty() ? Optional.empty() : Optional.of(error),
                    result.attempts(), result.status(), result.protocol());
        }
        JsonNode u = status.path("user");
        Map<String, List<String>> extra = new LinkedHashMap<>();
        u.path("extra").fields().forEachRemaining(f -> extra.put(f.getKey(), strings(f.getValue())));
        return new Outcome(true, Optional.of(new UserInfo(u.path("username").asText(""), u.path("uid").asText(""),
                strings(u.path("groups")), extra)), auds, Optional.empty(), result.attempts(), result.status(),
                result.protocol());
    }

    /** The JSON the legacy codec writes for {@code &TokenReview{Spec: ...}} (omitempty fields left out). */
    String requestBody(String token, List<String> audiences) {
        ObjectNode review = JSON.createObjectNode();
        review.put("kind", "TokenReview");
        review.put("apiVersion", "authentication.k8s.io/" + version);
        review.putObject("metadata").putNull("creationTimestamp");
        ObjectNode spec = review.putObject("spec");
        spec.put("token", token);
        if (!audiences.isEmpty()) {
            ArrayNode a = spec.putArray("audiences");
            audiences.forEach(a::add);
        }
        review.putObject("status").putObject("user");
        return review.toString();
    }

    /** Sends a raw body as the API server's REST client would, and decodes the answer as it would. */
    HttpResult post(String body) throws Exception {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(server).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, */*")
                    .header("User-Agent", USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return new HttpResult(null, Optional.of("connection: " + e), 1, 0, true, Optional.empty());
        }
        int status = response.statusCode();
        Optional<HttpClient.Version> protocol = Optional.of(response.version());
        if (status < 200 || status > 299) {
            boolean retry = status == 500 || status == 504 || status == 429
                    || response.headers().firstValue("Retry-After").isPresent();
            return new HttpResult(null, Optional.of("status " + status), 1, status, retry, protocol);
        }
        JsonNode review;
        try {
            review = JSON.readTree(response.body());
        } catch (Exception e) {
            return new HttpResult(null, Optional.of("undecodable answer: " + e.getMessage()), 1, status, false,
                    protocol);
        }
        // The legacy codec decodes into the configured version's TokenReview: another kind or version is an error.
        String kind = review.path("kind").asText("TokenReview");
        String apiVersion = review.path("apiVersion").asText("authentication.k8s.io/" + version);
        if (!"TokenReview".equals(kind) || !("authentication.k8s.io/" + version).equals(apiVersion)) {
            return new HttpResult(null, Optional.of("answer is " + apiVersion + " " + kind), 1, status, false,
                    protocol);
        }
        return new HttpResult(review, Optional.empty(), 1, status, false, protocol);
    }

    /** One POST's answer; {@code protocol} is the HTTP version the connection negotiated (empty: no connection). */
    record HttpResult(JsonNode review, Optional<String> error, int attempts, int status, boolean retriable,
                      Optional<HttpClient.Version> protocol) {
    }

    private HttpResult createWithBackoff(String body) throws Exception {
        HttpResult r = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            r = post(body);
            r = new HttpResult(r.review(), r.error(), attempt, r.status(), r.retriable(), r.protocol());
            if (r.error().isEmpty() || !r.retriable()) {
                return r;
            }
        }
        return r;
    }

    /** {@code authenticator.Audiences.Intersect}: the elements of {@code a} also in {@code b}, in {@code a}'s order. */
    static List<String> intersect(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (String s : a) {
            if (b.contains(s) && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.path("name").asText())) {
                return n;
            }
        }
        throw new IllegalArgumentException("kubeconfig has no entry named '" + name + "'");
    }

    /** clientcmd: {@code <field>-data} (base64 PEM) wins over {@code <field>} (a path, relative to the file's dir). */
    private static byte[] pem(Path base, JsonNode node, String field) throws Exception {
        if (node.hasNonNull(field + "-data")) {
            return Base64.getDecoder().decode(node.get(field + "-data").asText());
        }
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("kubeconfig sets neither " + field + " nor " + field + "-data");
        }
        return Files.readAllBytes(base.resolve(node.get(field).asText()));
    }

    private static SSLContext sslContext(byte[] caPem, byte[] certPem, byte[] keyPem) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(caPem))) {
            trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        String keyText = new String(keyPem, StandardCharsets.US_ASCII);
        byte[] der = Base64.getMimeDecoder().decode(keyText.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException notEc) {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", key, new char[0],
                cf.generateCertificates(new ByteArrayInputStream(certPem)).toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }
}
