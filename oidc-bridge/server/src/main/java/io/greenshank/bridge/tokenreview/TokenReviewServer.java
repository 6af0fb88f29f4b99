package io.greenshank.bridge.tokenreview;

import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.oidc.CodeGrants;
import io.greenshank.bridge.oidc.Issuer;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The webhook token authenticator's HTTPS port: kube-apiserver's {@code --authentication-token-webhook-config-file}
 * points at it. Requires a client certificate signed by the configured CA (no plain mode, so no way to run it open
 * by mistake); every request with a body gets HTTP 200 and a TokenReview, {@code authenticated: false} with an
 * {@code error} for anything wrong, so the API server never sees a 5xx (it would retry it five times). Reviews run
 * on the event loops: verifying one signature costs tens of microseconds and nothing blocks.
 */
@ApplicationScoped
public class TokenReviewServer {

    private static final Logger LOG = Logger.getLogger(TokenReviewServer.class);
    static final String METRIC = "greenshank.bridge.token.reviews";

    private final TokenReviewConfig config;
    private final Vertx vertx;
    private final Config mpConfig;
    private final Issuer issuer;
    private final KeyManager keys;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private Counter authenticated;
    private Counter connections;
    private final CodeGrants codeGrants;
    private TokenReviewer reviewer;
    private VerifiedTokens verified;
    private volatile int port = -1;

    public TokenReviewServer(TokenReviewConfig config, Vertx vertx, Config mpConfig, Issuer issuer, KeyManager keys,
                             CodeGrants codeGrants, Clock clock, MeterRegistry metrics) {
        this.codeGrants = codeGrants;
        this.config = config;
        this.vertx = vertx;
        this.mpConfig = mpConfig;
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent ev) throws Exception {
        if (!config.enabled()) {
            return;
        }
        String iss = issuer.configured().orElseThrow(() -> new IllegalStateException(
                "greenshank.bridge.token-review.enabled=true needs greenshank.bridge.issuer: the webhook accepts only"
                        + " tokens whose iss is exactly the configured issuer"));
        String ca = readable(config.clientCaFile(), "greenshank.bridge.token-review.client-ca-file",
                "the CA that signs the API server's client certificate (no plain or unauthenticated mode exists)");
        String cert = readable(config.certificateFile().or(() -> first("quarkus.http.ssl.certificate.files")),
                "greenshank.bridge.token-review.certificate-file (or quarkus.http.ssl.certificate.files)",
                "the webhook's PEM certificate chain");
        String key = readable(config.keyFile().or(() -> first("quarkus.http.ssl.certificate.key-files")),
                "greenshank.bridge.token-review.key-file (or quarkus.http.ssl.certificate.key-files)",
                "the webhook's PEM private key");
        if (config.audiences().isEmpty()) {
            throw new IllegalStateException("greenshank.bridge.token-review.audiences is empty: name the audience"
                    + " (the API server's OIDC client id, e.g. kubectl) that the cluster's tokens carry");
        }
        reviewer = new TokenReviewer(keys, iss, config.audiences(), config.usernamePrefix().orElse(""),
                config.groupsPrefix().orElse(""), clock);
        verified = config.cacheMaxEntries() > 0 ? new VerifiedTokens(reviewer, config.cacheMaxEntries()) : null;
        authenticated = counter("authenticated");
        connections = Counter.builder("greenshank.bridge.token.review.connections")
                .description("TLS connections the TokenReview port accepted (few per API server: keep-alive)")
                .register(metrics);
        for (Refusal r : Refusal.values()) {
            refusals.put(r, counter(r.label()));
        }
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host()).setPort(config.port())
                .setSsl(true).setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
                .setTrustOptions(new PemTrustOptions().addCertPath(ca))
                .setIdleTimeout(5).setIdleTimeoutUnit(TimeUnit.MINUTES);
        if (config.http2()) {
            // ALPN: h2 for a client that offers it (kube-apiserver does), HTTP/1.1 for one that does not
            options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
        }
        int instances = config.port() == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < instances; i++) {
            HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle)
                    .connectionHandler(c -> connections.increment());
            port = server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
            servers.add(server);
        }
        LOG.infof("TokenReview webhook on https://%s:%d%s (%s; client certificates from %s; issuer %s; cluster"
                + " audiences %s)", config.host(), port, config.path(), config.http2() ? "h2 and HTTP/1.1" : "HTTP/1.1",
                ca, iss, config.audiences());
    }

    void stop(@Observes ShutdownEvent ev) {
        for (HttpServer s : servers) {
            s.close();
        }
    }

    /** The port listened on (the configured one, or the one chosen for port 0); -1 when disabled. */
    public int port() {
        return port;
    }

    /** TLS connections accepted so far. */
    public long connectionsAccepted() {
        return connections == null ? 0 : (long) connections.count();
    }

    /** The reviewer the port uses, without the verified-token cache: the benchmark's in-process floor. */
    public TokenReviewer reviewer() {
        return reviewer;
    }

    /** Verified tokens cached now (0 when the cache is off). */
    public int cachedTokens() {
        return verified == null ? 0 : verified.size();
    }

    private void handle(HttpServerRequest req) {
        if (!config.path().equals(req.path())) {
            req.response().setStatusCode(404).end();
            return;
        }
        if (req.method() != HttpMethod.POST) {
            req.response().setStatusCode(405).putHeader("Allow", "POST").end();
            return;
        }
        Optional<String> refusedClient = refusedClient(req);
        if (refusedClient.isPresent()) {
            LOG.warnf("TokenReview from %s refused: client certificate %s is not in"
                    + " greenshank.bridge.token-review.client-names", req.remoteAddress(), refusedClient.get());
            refusals.get(Refusal.CLIENT_NOT_ALLOWED).increment();
            req.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                    .end(ReviewResponse.buffer(ReviewRequest.V1, new Review.Refused(Refusal.CLIENT_NOT_ALLOWED)));
            return;
        }
        Buffer body = Buffer.buffer(2048);
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0] || body.length() + chunk.length() > config.maxRequestBytes()) {
                tooLarge[0] = true;
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> answer(req, tooLarge[0] ? null : body.getBytes()));
    }

    private void answer(HttpServerRequest req, byte[] body) {
        String apiVersion = ReviewRequest.V1;
        String token = null;
        Review review;
        try {
            if (body == null) {
                throw new ReviewRequest.Refused(Refusal.TOO_LARGE, ReviewRequest.V1);
            }
            ReviewRequest request = ReviewRequest.parse(body);
            apiVersion = request.apiVersion();
            token = request.token();
            review = verified != null ? verified.review(token, request.audiences())
                    : reviewer.review(token, request.audiences());
        } catch (ReviewRequest.Refused e) {
            apiVersion = e.apiVersion();
            review = new Review.Refused(e.reason());
        } catch (RuntimeException e) {
            // Not expected; still an answer, never a 500 the API server would retry.
            LOG.errorf("TokenReview failed unexpectedly (%s); answered unauthenticated", e.getClass().getName());
            review = new Review.Refused(Refusal.MALFORMED_REQUEST);
        }
        if (review instanceof Review.Authenticated a && a.codeGrant().isPresent()) {
            // a token from the authorization-code flow: a reuse of its code (at any replica) revokes it, which only
            // the session store knows, so it is asked at every review, cached verification or not; a shared store's
            // read blocks, so it leaves the event loop (the memory store's does not)
            String version = apiVersion;
            String reviewed = token;
            if (codeGrants.checksInProcess()) {
                send(req, version, revocationChecked(a, a.codeGrant().get(), reviewed));
                return;
            }
            vertx.executeBlocking(() -> revocationChecked(a, a.codeGrant().get(), reviewed), false)
                    .onComplete(r -> send(req, version, r.succeeded() ? r.result()
                            : new Review.Refused(Refusal.REVOCATION_UNCHECKED)));
            return;
        }
        send(req, apiVersion, review);
    }

    private Review revocationChecked(Review.Authenticated review, String grant, String token) {
        try {
            if (codeGrants.isRevoked(grant)) {
                if (verified != null) {
                    verified.forget(token);
                }
                return new Review.Refused(Refusal.REVOKED);
            }
            return review;
        } catch (SessionStoreUnavailableException e) {
            return new Review.Refused(Refusal.REVOCATION_UNCHECKED);
        }
    }

    private void send(HttpServerRequest req, String apiVersion, Review review) {
        record(req, review);
        req.response().putHeader("Content-Type", "application/json").end(ReviewResponse.buffer(apiVersion, review));
    }

    private void record(HttpServerRequest req, Review review) {
        if (review instanceof Review.Refused r) {
            refusals.get(r.reason()).increment();
            if (r.reason() == Refusal.MALFORMED_REQUEST || r.reason() == Refusal.WRONG_KIND
                    || r.reason() == Refusal.TOO_LARGE) {
                LOG.warnf("TokenReview from %s refused: %s (%s); is the API server's webhook config file right?",
                        req.remoteAddress(), r.reason().label(), r.reason().error());
            } else {
                LOG.infof("TokenReview refused: %s (%s)", r.reason().label(), r.reason().error());
            }
        } else {
            authenticated.increment();
            if (LOG.isDebugEnabled()) {
                Review.Authenticated a = (Review.Authenticated) review;
                LOG.debugf("TokenReview authenticated %s (uid %s)", a.user().username(), a.user().uid());
            }
        }
    }

    /** The certificate's name when client names are configured and it has none of them; empty when allowed. */
    private Optional<String> refusedClient(HttpServerRequest req) {
        if (config.clientNames().isEmpty() || config.clientNames().get().isEmpty()) {
            return Optional.empty();
        }
        try {
            List<Certificate> chain = req.connection().peerCertificates();
            if (!chain.isEmpty() && chain.get(0) instanceof X509Certificate x) {
                List<String> names = names(x);
                return names.stream().anyMatch(config.clientNames().get()::contains) ? Optional.empty()
                        : Optional.of(names.toString());
            }
            return Optional.of("(none)");
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return Optional.of("(unreadable)");
        }
    }

    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (Exception e) {
            return names;
        }
        return names;
    }

    private Counter counter(String outcome) {
        return Counter.builder(METRIC).description("TokenReview webhook answers by outcome")
                .tag("outcome", outcome).register(metrics);
    }

    private Optional<String> first(String property) {
        return mpConfig.getOptionalValues(property, String.class).flatMap(l -> l.stream().findFirst());
    }

    private static String readable(Optional<String> file, String key, String what) {
        String path = file.filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "greenshank.bridge.token-review.enabled=true needs " + key + ": " + what));
        if (!Files.isReadable(Path.of(path))) {
            throw new IllegalStateException(key + "=" + path + " is not a readable file: " + what);
        }
        return path;
    }
}
