package io.greenshank.authz.jwt;

import io.greenshank.identity.Identity;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.TokenRejectedException;

/**
 * Token → identity: the cache first, then full verification (which may block on an unknown-kid JWKS fetch). A cached
 * identity counts only while its issuer's keys are usable: once they are older than {@code max-stale} the token is
 * verified again, and refused with {@code keys_unavailable}, like every other token of that issuer.
 */
public final class TokenAuthenticator {

    /** Observes cache lookups, for metrics. */
    public interface CacheObserver {
        void lookup(boolean hit);
    }

    private final JwtVerifier verifier;
    private final VerifiedTokenCache cache;
    private final CacheObserver observer;

    public TokenAuthenticator(JwtVerifier verifier, VerifiedTokenCache cache, CacheObserver observer) {
        this.verifier = verifier;
        this.cache = cache;
        this.observer = observer;
    }

    /** The identity of an already-verified token, or null; never blocks. */
    public Identity cached(String token) {
        Identity id = trusted(cache.get(token));
        observer.lookup(id != null);
        return id;
    }

    /**
     * Like {@link #cached} but counts only a hit: for the non-blocking first look whose miss is followed by
     * {@link #cached} on a worker, so each Check counts one lookup.
     */
    public Identity peek(String token) {
        Identity id = trusted(cache.get(token));
        if (id != null) {
            observer.lookup(true);
        }
        return id;
    }

    private Identity trusted(Identity id) {
        if (id == null) {
            return null;
        }
        return id.issuer().map(verifier::keysUsable).orElse(false) ? id : null;
    }

    /** Verifies (may block briefly on a JWKS refetch) and caches. */
    public Identity verify(String token) throws TokenRejectedException {
        Identity id = verifier.authenticate(token);
        cache.put(token, id);
        return id;
    }

    public JwtVerifier verifier() {
        return verifier;
    }
}
