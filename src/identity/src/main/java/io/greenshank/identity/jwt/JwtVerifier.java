package io.greenshank.identity.jwt;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.identity.Identity;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Verifies compact JWS tokens from a set of trusted issuers, framework-free and thread-safe.
 *
 * <p>Checks, in order: size and shape, header (asymmetric allowlisted {@code alg}, no embedded or remote keys, no
 * {@code crit}), claim-set nesting depth, {@code iss} against the trusted issuers, the issuer's algorithm allowlist,
 * key selection by {@code kid}, signature, then {@code exp}/{@code nbf}/{@code iat} with the issuer's skew and
 * {@code aud}. Each failure is a {@link TokenRejectedException} with a precise {@link RejectReason}.
 */
public final class JwtVerifier implements AutoCloseable {

    public static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;
    public static final int MAX_JSON_DEPTH = 16;
    private static final Set<String> EMBEDDED_KEY_PARAMS = Set.of("jwk", "jku", "x5u", "x5c");
    private static final List<String> TIME_CLAIMS = List.of("exp", "nbf", "iat");
    /** 9999-12-31T23:59:59Z: NumericDate claims are refused beyond it. */
    private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    private final Map<String, TrustedIssuer> issuers;
    private final Map<String, JwksCache> caches;
    private final Clock clock;
    private final int maxTokenLength;
    private ScheduledExecutorService scheduler;

    private JwtVerifier(Builder b) {
        Map<String, TrustedIssuer> is = new LinkedHashMap<>();
        Map<String, JwksCache> cs = new LinkedHashMap<>();
        HttpClient http = b.http != null ? b.http : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        for (TrustedIssuer ti : b.issuers) {
            if (is.putIfAbsent(ti.issuer(), ti) != null) {
                throw new IllegalArgumentException("issuer configured twice: " + ti.issuer());
            }
            cs.put(ti.issuer(), new JwksCache(ti, http, b.clock, b.listener));
        }
        this.issuers = Map.copyOf(is);
        this.caches = java.util.Collections.unmodifiableMap(cs);
        this.clock = b.clock;
        this.maxTokenLength = b.maxTokenLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts background refresh: every issuer is fetched now, then every refresh interval (backing off on failure). */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenshank-jwks-refresh");
            t.setDaemon(true);
            return t;
        });
        for (JwksCache cache : caches.values()) {
            scheduler.execute(new Refresh(cache, JwksListener.Trigger.INITIAL, Duration.ofSeconds(1)));
        }
    }

    /** Fetches every issuer's keys now, on the calling thread; true if all succeeded. */
    public boolean refreshAll() {
        boolean ok = true;
        for (JwksCache cache : caches.values()) {
            ok &= cache.refresh(JwksListener.Trigger.INITIAL);
        }
        return ok;
    }

    /** True when every trusted issuer has usable keys. */
    public boolean ready() {
        for (JwksCache c : caches.values()) {
            if (!c.ready()) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when this issuer's keys are loaded and not older than its {@code max-stale}: the condition under which a
     * token it verified earlier may still be trusted from a cache. An issuer it does not trust has no usable keys.
     */
    public boolean keysUsable(String issuer) {
        JwksCache c = caches.get(issuer);
        return c != null && c.ready();
    }

    /** Per-issuer key state, for health checks. */
    public Collection<JwksCache> keySets() {
        return caches.values();
    }

    public Set<String> issuers() {
        return issuers.keySet();
    }

    /** Verifies the token and maps it to the caller it names. */
    public Identity authenticate(String token) throws TokenRejectedException {
        return verify(token).identity();
    }

    public VerifiedToken verify(String token) throws TokenRejectedException {
        CompactJws jws = parseCompact(token);
        Map<String, Object> claimsJson = parseJsonObject(jws.payload(), "claims");
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(claimsJson);
        } catch (ParseException e) {
            throw new TokenRejectedException(RejectReason.CLAIM_MISSING, "registered claim has the wrong type");
        }
        String iss = claims.getIssuer();
        if (iss == null) {
            throw new TokenRejectedException(RejectReason.CLAIM_MISSING, "iss");
        }
        TrustedIssuer issuer = issuers.get(iss);
        if (issuer == null) {
            throw new TokenRejectedException(RejectReason.ISSUER_UNKNOWN, "iss " + Safe.text(iss));
        }
        checkSignature(jws, issuer);
        return checkClaims(issuer, claims, claimsJson, jws.alg(), jws.kid());
    }

    /**
     * The signature stage of {@link #verify} alone: the same shape, header, algorithm, key-selection and signature
     * checks, for the issuer named here instead of by the payload's {@code iss}; the payload is neither parsed nor
     * checked. Returns normally iff {@link #verify} would get past the signature. Not for production use (a token
     * is only verified with its claims): it exists so conformance vectors whose payloads are not claim sets
     * (Wycheproof's JWS tests) can be judged by the production code path.
     */
    void verifySignatureOnly(String token, String iss) throws TokenRejectedException {
        CompactJws jws = parseCompact(token);
        TrustedIssuer issuer = issuers.get(iss);
        if (issuer == null) {
            throw new TokenRejectedException(RejectReason.ISSUER_UNKNOWN, "iss " + Safe.text(iss));
        }
        checkSignature(jws, issuer);
    }

    /** A compact JWS whose shape and header passed the issuer-independent checks. */
    private record CompactJws(String signingInput, Base64URL payload, Base64URL signature, JWSHeader header,
                              String alg, String kid) {
    }

    /** Size, shape, base64url alphabet and header checks; nothing here depends on the issuer or the payload. */
    private CompactJws parseCompact(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "empty token");
        }
        if (token.length() > maxTokenLength) {
            throw new TokenRejectedException(RejectReason.TOKEN_TOO_LARGE, token.length() + " > " + maxTokenLength);
        }
        int dot1 = -1;
        int dot2 = -1;
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
                if (dots == 1) {
                    dot1 = i;
                } else if (dots == 2) {
                    dot2 = i;
                }
            } else if (!isBase64Url(c)) {
                throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "invalid character");
            }
        }
        if (dots == 4) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "encrypted (JWE) tokens are not accepted");
        }
        if (dots != 2 || dot1 == 0 || dot2 == dot1 + 1) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "not three segments");
        }
        Base64URL headerPart = new Base64URL(token.substring(0, dot1));
        Base64URL payloadPart = new Base64URL(token.substring(dot1 + 1, dot2));
        Base64URL signaturePart = new Base64URL(token.substring(dot2 + 1));

        Map<String, Object> headerJson = parseJsonObject(headerPart, "header");
        if (!(headerJson.get("alg") instanceof String alg)) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "header has no alg");
        }
        if (!TrustedIssuer.SUPPORTED_ALGORITHMS.contains(alg)) {
            throw new TokenRejectedException(RejectReason.ALG_NOT_ALLOWED, "alg " + Safe.text(alg));
        }
        for (String p : EMBEDDED_KEY_PARAMS) {
            if (headerJson.containsKey(p)) {
                throw new TokenRejectedException(RejectReason.EMBEDDED_KEY, "header parameter " + p);
            }
        }
        if (headerJson.containsKey("crit")) {
            throw new TokenRejectedException(RejectReason.CRIT_UNSUPPORTED, "crit");
        }
        if (dot2 == token.length() - 1) {
            throw new TokenRejectedException(RejectReason.SIGNATURE_INVALID, "no signature");
        }
        Object kidValue = headerJson.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "kid is not a string");
        }
        JWSHeader header;
        try {
            header = JWSHeader.parse(headerJson, headerPart);
        } catch (ParseException e) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, "header");
        }
        return new CompactJws(token.substring(0, dot2), payloadPart, signaturePart, header, alg, (String) kidValue);
    }

    /** The issuer's algorithm allowlist, key selection by {@code kid}, then the signature itself. */
    private void checkSignature(CompactJws jws, TrustedIssuer issuer) throws TokenRejectedException {
        if (!issuer.algorithms().contains(jws.alg())) {
            throw new TokenRejectedException(RejectReason.ALG_NOT_ALLOWED,
                    "alg " + jws.alg() + " for issuer " + Safe.text(issuer.issuer()));
        }
        String kid = jws.kid();
        VerificationKey key = selectKey(caches.get(issuer.issuer()), kid, jws.alg());
        byte[] signingInput = jws.signingInput().getBytes(StandardCharsets.US_ASCII);
        if (!key.verify(jws.header(), signingInput, jws.signature())) {
            throw new TokenRejectedException(RejectReason.SIGNATURE_INVALID, kid == null ? "" : "kid " + Safe.text(kid));
        }
    }

    private VerificationKey selectKey(JwksCache cache, String kid, String alg) throws TokenRejectedException {
        IssuerKeys keys = cache.usable();
        if (keys == null || (kid != null && !keys.hasKid(kid))) {
            cache.refetchForUnknownKid(kid);
            keys = cache.usable();
            if (keys == null) {
                throw new TokenRejectedException(RejectReason.KEYS_UNAVAILABLE,
                        "issuer " + Safe.text(cache.issuer()) + ": " + cache.lastError().orElse("stale"));
            }
        }
        return keys.select(kid, alg);
    }

    private VerifiedToken checkClaims(TrustedIssuer issuer, JWTClaimsSet claims, Map<String, Object> claimsJson,
                                      String alg, String kid) throws TokenRejectedException {
        for (String timeClaim : TIME_CLAIMS) {
            Object v = claimsJson.get(timeClaim);
            if (v != null && !(v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= MAX_EPOCH_SECONDS)) {
                // beyond this, seconds-to-Date arithmetic overflows: a far-future nbf or iat would read as the past
                throw new TokenRejectedException(RejectReason.CLAIM_MISSING, timeClaim + " is not a time before 10000-01-01");
            }
        }
        Instant now = clock.instant();
        Duration skew = issuer.clockSkew();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenRejectedException(RejectReason.CLAIM_MISSING, "exp");
        }
        Instant expiresAt = exp.toInstant();
        if (now.isAfter(expiresAt.plus(skew))) {
            throw new TokenRejectedException(RejectReason.TOKEN_EXPIRED, "");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new TokenRejectedException(RejectReason.TOKEN_NOT_YET_VALID, "");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
            throw new TokenRejectedException(RejectReason.TOKEN_ISSUED_IN_FUTURE, "");
        }
        List<String> aud = claims.getAudience();
        if (!issuer.audiences().isEmpty()) {
            boolean match = false;
            for (String a : aud) {
                if (issuer.audiences().contains(a)) {
                    match = true;
                    break;
                }
            }
            if (!match) {
                throw new TokenRejectedException(RejectReason.AUDIENCE_MISMATCH,
                        aud.isEmpty() ? "no aud" : "aud " + Safe.text(String.join(",", aud)));
            }
        }
        Map<String, Object> nonNull = new HashMap<>();
        claimsJson.forEach((k, v) -> {
            if (v != null) {
                nonNull.put(k, v);
            }
        });
        return new VerifiedToken(issuer.issuer(), Optional.ofNullable(claims.getSubject()), Set.copyOf(aud),
                expiresAt, Optional.ofNullable(iat).map(Date::toInstant), alg, Optional.ofNullable(kid), nonNull,
                issuer.mapping());
    }

    private static Map<String, Object> parseJsonObject(Base64URL part, String what) throws TokenRejectedException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(part.decode())).toString();
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, what + " is not UTF-8");
        }
        if (JsonLimits.depth(json) > MAX_JSON_DEPTH) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, what + " nested deeper than " + MAX_JSON_DEPTH);
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            throw new TokenRejectedException(RejectReason.TOKEN_MALFORMED, what + " is not a JSON object");
        }
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private final class Refresh implements Runnable {
        private final JwksCache cache;
        private final JwksListener.Trigger trigger;
        private final Duration backoff;

        Refresh(JwksCache cache, JwksListener.Trigger trigger, Duration backoff) {
            this.cache = cache;
            this.trigger = trigger;
            this.backoff = backoff;
        }

        @Override
        public void run() {
            boolean ok = cache.refresh(trigger);
            TrustedIssuer ti = issuers.get(cache.issuer());
            Duration interval = ti.jwks().refreshInterval();
            Duration next = ok ? interval : min(backoff, interval);
            Duration nextBackoff = ok ? Duration.ofSeconds(1) : min(backoff.multipliedBy(2), Duration.ofMinutes(1));
            synchronized (JwtVerifier.this) {
                if (scheduler != null && !scheduler.isShutdown()) {
                    scheduler.schedule(new Refresh(cache, JwksListener.Trigger.SCHEDULED, nextBackoff),
                            next.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    public static final class Builder {
        private final List<TrustedIssuer> issuers = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private JwksListener listener = JwksListener.NONE;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private HttpClient http;

        public Builder issuer(TrustedIssuer issuer) {
            issuers.add(Objects.requireNonNull(issuer));
            return this;
        }

        public Builder issuers(Collection<TrustedIssuer> all) {
            all.forEach(this::issuer);
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        public Builder listener(JwksListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /** Tokens longer than this many characters are refused before any decoding. */
        public Builder maxTokenLength(int n) {
            if (n < 256) {
                throw new IllegalArgumentException("maxTokenLength must be at least 256");
            }
            this.maxTokenLength = n;
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client);
            return this;
        }

        public JwtVerifier build() {
            return new JwtVerifier(this);
        }
    }
}
