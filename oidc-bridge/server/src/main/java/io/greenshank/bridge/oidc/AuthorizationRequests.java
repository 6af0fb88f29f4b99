package io.greenshank.bridge.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.session.JsonFields;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Validated authorization requests carried by the login form itself, so that the form's POST may reach any replica
 * and a {@code GET /authorize}, which anyone may send, writes nothing to the session store.
 *
 * <p>The request is sealed as a compact JWS signed with the current key of the ring every replica shares, explicitly
 * typed {@value #TYPE} (RFC 8725 §3.11), for the audience {@code <issuer>/authorize}, with {@code exp} and a random
 * {@code jti}. It has no {@code iss} and no {@code sub}, and its type is neither {@code JWT} nor {@code at+jwt}: no
 * relying party (nor this bridge's {@code TokenVerifier}) can take it for an ID or access token. The request's
 * parameters sit in one nested claim, so nothing the browser chose can become a top-level claim.
 *
 * <p>A failed login leaves the form usable; a successful one spends it by recording its {@code jti} with a
 * conditional create, so of two posts of one form exactly one gets a code — a store write made only after a
 * successful authentication, which writes the code anyway.
 */
public final class AuthorizationRequests {

    private static final Logger LOG = Logger.getLogger(AuthorizationRequests.class);

    /** How long a login form stays usable. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /** The JOSE {@code typ} of a sealed request. */
    public static final String TYPE = "greenshank-authz-request+jwt";

    /** How far replicas' clocks may disagree about a form's expiry. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    static final String METRIC = "greenshank_bridge_login_form_refusals_total";
    private static final JOSEObjectType JOSE_TYPE = new JOSEObjectType(TYPE);
    private static final String REQUEST_CLAIM = "authz_request";
    private static final String BROWSER_CLAIM = "browser";
    /** Far above any sealed request a GET can produce (its request line is at most a few KiB). */
    private static final int MAX_LENGTH = 16_384;

    /** An authorization request that passed every check; the form may carry it, never alter it. */
    public record Pending(String clientId, String redirectUri, Optional<String> state, Optional<String> nonce,
                          Optional<String> codeChallenge, Set<String> scopes, Instant expiresAt) {
        public Pending {
            scopes = Set.copyOf(scopes);
        }
    }

    /**
     * A sealed request that verified; {@code id} is its {@code jti}, what spending it records; {@code browserBinding}
     * the hash of the CSRF cookie of the browser it was shown to ({@link io.greenshank.bridge.web.BrowserBinding}).
     */
    public record Verified(String id, Pending request, Optional<String> browserBinding) {
    }

    /** Why a form's request was refused: for logs and metrics only, the user sees one page for all of them. */
    public enum Refusal {
        MALFORMED, WRONG_TYPE, UNKNOWN_KEY, BAD_SIGNATURE, WRONG_AUDIENCE, EXPIRED, CLIENT_CHANGED, SPENT,
        /** Posted by another browser than the form was shown to, or from another origin (CSRF). */
        CROSS_SITE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The form's request cannot be used: nothing may be issued for it. */
    public static final class RefusedException extends Exception {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.tag(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** A spent request's {@code jti}, kept until no replica would accept the request any more. */
    public record Spent(Instant expiresAt) {
    }

    /** How spent requests are stored: under the SHA-256 of the {@code jti}. */
    public static final SessionKind<Spent> SPENT_KIND = new SessionKind<>("spent-authorization-request",
            Spent::expiresAt, s -> Map.of(), s -> JsonFields.write(Map.of("expiresAt", s.expiresAt().toString())),
            json -> new Spent(JsonFields.parse(json).instant("expiresAt")));

    private final KeyManager keys;
    private final SessionStore<Spent> spent;
    private final Function<String, Optional<OidcClient>> clients;
    private final MeterRegistry metrics;
    private final Clock clock;

    /**
     * @param clients the clients as configured now: a form's client and redirect URI are checked again when it is
     *                posted, as configuration may have changed since it was sealed
     */
    public AuthorizationRequests(KeyManager keys, SessionStore<Spent> spent,
                                 Function<String, Optional<OidcClient>> clients, MeterRegistry metrics, Clock clock) {
        this.keys = keys;
        this.spent = spent;
        this.clients = clients;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Pending pending(String clientId, String redirectUri, Optional<String> state, Optional<String> nonce,
                           Optional<String> codeChallenge, Set<String> scopes) {
        // Whole seconds: what exp can carry, so a request reads back equal to what was sealed.
        return new Pending(clientId, redirectUri, state, nonce, codeChallenge, scopes,
                clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(LIFETIME));
    }

    /** Whether {@code client} may make this request: the checks {@code GET /authorize} made, for a posted form. */
    public static boolean allows(Optional<OidcClient> client, Pending p) {
        return client.isPresent() && client.get().allowsRedirect(p.redirectUri())
                && client.get().allowsGrant("authorization_code")
                && !(client.get().isPublic() && p.codeChallenge().isEmpty());
    }

    /**
     * @param audience the bridge's authorize endpoint, {@code <issuer>/authorize}
     * @return the compact JWS the login form carries
     */
    public String seal(Pending p, String audience) {
        return seal(p, audience, Optional.empty());
    }

    /**
     * @param browserBinding the hash of the CSRF cookie of the browser the form is shown to; the login form refuses
     *                       a post without the matching cookie
     */
    public String seal(Pending p, String audience, Optional<String> browserBinding) {
        KeyManager.Signing s = keys.signer();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim(BROWSER_CLAIM, browserBinding.orElse(null))
                .audience(audience)
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(p.expiresAt()))
                .jwtID(SessionKeys.random(16))
                .claim(REQUEST_CLAIM, parameters(p))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(s.algorithm()).keyID(s.kid()).type(JOSE_TYPE).build(),
                claims);
        try {
            jwt.sign(s.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed with key " + s.kid(), e);
        }
        return jwt.serialize();
    }

    /**
     * Verifies a form's sealed request: type, a published key, signature, audience, expiry (with
     * {@link #CLOCK_SKEW}), and that its client may still make it. Refusals are logged and counted.
     */
    public Verified unseal(String sealed, String audience) throws RefusedException {
        try {
            return verify(sealed, audience);
        } catch (RefusedException e) {
            refused(e.refusal());
            throw e;
        }
    }

    /**
     * Spends the request after a successful login, at whichever replica.
     *
     * @return true only for the first spend: a form posted twice (or at two replicas at once) yields one code
     */
    public boolean spend(Verified v) throws SessionStoreUnavailableException {
        // A replica accepts the form until exp + skew by its own clock; keep the record a skew longer so that a
        // sweep by a replica whose clock runs ahead cannot make a spent form acceptable again.
        Spent s = new Spent(v.request().expiresAt().plus(CLOCK_SKEW.multipliedBy(2)));
        if (spent.create(SessionKeys.sha256Hex(v.id()), s)) {
            return true;
        }
        refused(Refusal.SPENT);
        return false;
    }

    private Verified verify(String sealed, String audience) throws RefusedException {
        if (sealed == null || sealed.isEmpty() || sealed.length() > MAX_LENGTH) {
            throw new RefusedException(Refusal.MALFORMED);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(sealed);
        } catch (ParseException e) {
            throw new RefusedException(Refusal.MALFORMED);
        }
        JWSHeader header = jwt.getHeader();
        if (!JOSE_TYPE.equals(header.getType())) {
            throw new RefusedException(Refusal.WRONG_TYPE);
        }
        JWKSet published = keys.publicKeys();
        JWK key = header.getKeyID() == null || published == null ? null : published.getKeyByKeyId(header.getKeyID());
        if (key == null) {
            throw new RefusedException(Refusal.UNKNOWN_KEY);
        }
        try {
            JWSVerifier verifier = verifier(key, header.getAlgorithm());
            if (verifier == null || !jwt.verify(verifier)) {
                throw new RefusedException(Refusal.BAD_SIGNATURE);
            }
        } catch (JOSEException | IllegalStateException e) {
            throw new RefusedException(Refusal.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        Pending p;
        try {
            claims = jwt.getJWTClaimsSet();
            if (!List.of(audience).equals(claims.getAudience())) {
                throw new RefusedException(Refusal.WRONG_AUDIENCE);
            }
            if (claims.getExpirationTime() == null || claims.getJWTID() == null) {
                throw new RefusedException(Refusal.MALFORMED);
            }
            Instant exp = claims.getExpirationTime().toInstant();
            if (clock.instant().isAfter(exp.plus(CLOCK_SKEW))) {
                throw new RefusedException(Refusal.EXPIRED);
            }
            Map<String, Object> fields = claims.getJSONObjectClaim(REQUEST_CLAIM);
            if (fields == null) {
                throw new RefusedException(Refusal.MALFORMED);
            }
            p = fromFields(new JsonFields(fields), exp);
        } catch (ParseException | IllegalArgumentException e) {
            throw new RefusedException(Refusal.MALFORMED);
        }
        if (!allows(clients.apply(p.clientId()), p)) {
            throw new RefusedException(Refusal.CLIENT_CHANGED);
        }
        Object browser = claims.getClaim(BROWSER_CLAIM);
        return new Verified(claims.getJWTID(), p,
                browser instanceof String b ? Optional.of(b) : Optional.empty());
    }

    /** Only the algorithm the key was made for: no HS256-with-a-public-key, no {@code none}. */
    private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (key instanceof RSAKey rsa && JWSAlgorithm.RS256.equals(alg)) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec && JWSAlgorithm.ES256.equals(alg)) {
            return new ECDSAVerifier(ec);
        }
        return null;
    }

    /** Counts and logs a refusal decided outside this class (a cross-site post). */
    public void refused(Refusal r) {
        metrics.counter(METRIC, "reason", r.tag()).increment();
        LOG.infof("login form refused (%s): the browser is asked to start again", r.tag());
    }

    private static Map<String, Object> parameters(Pending p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", p.clientId());
        m.put("redirectUri", p.redirectUri());
        p.state().ifPresent(v -> m.put("state", v));
        p.nonce().ifPresent(v -> m.put("nonce", v));
        p.codeChallenge().ifPresent(v -> m.put("codeChallenge", v));
        m.put("scopes", p.scopes().stream().sorted().toList());
        return m;
    }

    private static Pending fromFields(JsonFields j, Instant expiresAt) {
        return new Pending(j.string("clientId"), j.string("redirectUri"), j.optional("state"), j.optional("nonce"),
                j.optional("codeChallenge"), Set.copyOf(j.strings("scopes")), expiresAt);
    }

    /** The JSON form of a request inside a stored authorization code. */
    static Map<String, Object> toMap(Pending p) {
        Map<String, Object> m = parameters(p);
        m.put("expiresAt", p.expiresAt().toString());
        return m;
    }

    static Pending fromFields(JsonFields j) {
        return fromFields(j, j.instant("expiresAt"));
    }
}
