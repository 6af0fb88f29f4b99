package io.greenshank.bridge.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.session.JsonFields;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionKind;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.RefreshTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What was issued from each redeemed authorization code, so that a second redemption revokes it (RFC 6749 §4.1.2).
 *
 * <p>A code's grant id is a hash of the code: the replica that redeems it and any replica a reuse reaches find the
 * same record in the shared store without a listing, and the id (carried by the tokens as {@code sid}) does not
 * give the code back. The grant's refresh-token family has the grant id as its family id, so revoking the grant
 * deletes the family; the access tokens, self-contained JWTs, are refused by the bridge's own token checks
 * ({@link #isRevoked}) for as long as they live, which the record outlives.
 *
 * <p>The record is created when the code is redeemed, before the code is deleted: of two concurrent redemptions only
 * one creates it, and the other, finding it, is a reuse. It is kept for the access-token lifetime after
 * redemption (and again after a revocation), so a reuse later than that is refused as an unknown code without
 * revoking the grant: by then its access tokens have expired, and its refresh family lives on.
 */
public final class CodeGrants {

    private static final Logger LOG = Logger.getLogger(CodeGrants.class);
    static final String REVOKED_METRIC = "greenshank_bridge_code_grants_revoked_total";
    /** The access-token claim that names the grant a token was issued from. */
    public static final String CLAIM = "sid";

    /** A redeemed code's grant: whether it was revoked, and until when the record is kept. */
    public record Grant(boolean revoked, Instant expiresAt) {
    }

    public static final SessionKind<Grant> KIND = new SessionKind<>("code-grant", Grant::expiresAt, g -> Map.of(),
            CodeGrants::encode, CodeGrants::decode);

    private final SessionStore<Grant> store;
    private final RefreshTokens refreshTokens;
    private final Duration accessTokenLifetime;
    private final Clock clock;
    private final MeterRegistry metrics;

    public CodeGrants(SessionStore<Grant> store, RefreshTokens refreshTokens, Duration accessTokenLifetime,
                      Clock clock, MeterRegistry metrics) {
        this.store = store;
        this.refreshTokens = refreshTokens;
        this.accessTokenLifetime = accessTokenLifetime;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The grant id of {@code code}: also the family id of the refresh tokens issued from it. */
    public static String idOf(String code) {
        return SessionKeys.sha256Hex("code-grant:" + code);
    }

    /** Records the redemption of the code with grant id {@code grant}; false when it was already redeemed. */
    boolean begin(String grant) throws SessionStoreUnavailableException {
        return store.create(grant, new Grant(false, clock.instant().plus(accessTokenLifetime)));
    }

    /** Whether a code with this grant id was redeemed (and the record not yet expired). */
    boolean redeemed(String grant) throws SessionStoreUnavailableException {
        return store.get(grant).isPresent();
    }

    /**
     * Revokes what was issued from a reused code: marks the grant revoked (kept until its access tokens have expired)
     * and deletes its refresh-token family, at whichever replica the reuse arrived.
     */
    void revoke(String grant, String clientId) throws SessionStoreUnavailableException {
        Instant keepUntil = clock.instant().plus(accessTokenLifetime);
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<SessionStore.Stored<Grant>> s = store.get(grant);
            if (s.isEmpty()) {
                if (store.create(grant, new Grant(true, keepUntil))) {
                    break;
                }
                continue;
            }
            if (s.get().value().revoked()) {
                break;
            }
            Instant until = s.get().value().expiresAt().isAfter(keepUntil) ? s.get().value().expiresAt() : keepUntil;
            if (store.replace(grant, new Grant(true, until), s.get().version())) {
                break;
            }
        }
        refreshTokens.revokeFamily(grant);
        metrics.counter(REVOKED_METRIC).increment();
        LOG.warnf("authorization code reused by client %s: the tokens issued from it are revoked (grant %s)", clientId,
                grant);
    }

    /**
     * Called once the tokens of a code redemption are minted, before they are sent: true when a reuse revoked the
     * grant meanwhile (a concurrent redemption at another replica), in which case the refresh family just created is
     * deleted too and nothing may be sent. A revocation marks the grant before it deletes the family, and minting
     * creates the family before this check, so one of the two always sees the other.
     */
    public boolean revokedMeanwhile(String grant) throws SessionStoreUnavailableException {
        if (store.get(grant).map(s -> s.value().revoked()).orElse(false)) {
            refreshTokens.revokeFamily(grant);
            return true;
        }
        return false;
    }

    /**
     * Whether the token with these verified claims was issued from a code that was since reused. Tokens from other
     * grants (password, Kerberos, refresh of those) carry no grant id and are never revoked this way.
     *
     * @throws SessionStoreUnavailableException the store did not answer: callers refuse the token (fail closed)
     */
    public boolean isRevoked(JWTClaimsSet claims) throws SessionStoreUnavailableException {
        Object grant = claims.getClaim(CLAIM);
        return grant instanceof String g && !g.isEmpty() && isRevoked(g);
    }

    /** Whether a reuse of the code this grant id ({@code sid}) was issued from has revoked its tokens. */
    public boolean isRevoked(String grant) throws SessionStoreUnavailableException {
        return store.get(grant).map(s -> s.value().revoked()).orElse(false);
    }

    /** Whether {@link #isRevoked(String)} answers without I/O (the memory store), so an event loop may ask it. */
    public boolean checksInProcess() {
        return store.inProcess();
    }

    private static String encode(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("revoked", Boolean.toString(g.revoked()));
        m.put("expiresAt", g.expiresAt().toString());
        return JsonFields.write(m);
    }

    private static Grant decode(String json) {
        JsonFields j = JsonFields.parse(json);
        return new Grant(Boolean.parseBoolean(j.string("revoked")), j.instant("expiresAt"));
    }
}
