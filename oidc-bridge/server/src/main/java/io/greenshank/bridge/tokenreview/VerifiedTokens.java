package io.greenshank.bridge.tokenreview;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens this bridge has verified, so that a token the API server asks about again skips the JWS parse and the
 * signature check. An entry holds only while its token is unexpired and the key that verified it is still published
 * (checked at every use, so a rotation or removal of the key ends it at once); refusals are never kept. Revocation of
 * a token's code grant ({@code sid}) is not cached: the webhook asks the session store at every review, cached or
 * not, and {@link #forget}s a token found revoked.
 *
 * <p>Keyed as kube-apiserver keys its own token cache (k8s.io/apiserver/pkg/authentication/token/cache/
 * cached_token_authenticator.go, {@code keyFunc}): an HMAC-SHA256 of the whole token under a random per-process key,
 * so the cache holds no token and an attacker cannot aim at a bucket. Bounded: when full, entries that no longer hold
 * go first, and if that frees less than a tenth the cache starts over (a flood of distinct valid tokens costs the
 * cache, never memory or a sweep per review).
 */
final class VerifiedTokens {

    private record Key(long a, long b, long c, long d) {
    }

    private final TokenReviewer reviewer;
    private final int maxEntries;
    private final ConcurrentHashMap<Key, Verification.Verified> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec hmacKey;
    private final ThreadLocal<Mac> macs;

    VerifiedTokens(TokenReviewer reviewer, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.reviewer = reviewer;
        this.maxEntries = maxEntries;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.hmacKey = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The same answer as {@link TokenReviewer#review}, from the cache when the token's verification still holds. */
    Review review(String token, List<String> requested) {
        Key key = keyOf(token);
        Verification.Verified cached = entries.get(key);
        if (cached != null && reviewer.stillHolds(cached)) {
            return reviewer.decide(cached, requested);
        }
        Verification v = reviewer.verify(token);
        if (v instanceof Verification.Verified verified) {
            remember(key, verified);
        } else if (cached != null) {
            entries.remove(key, cached);
        }
        return reviewer.decide(v, requested);
    }

    /** Drops a token's entry (its code grant was found revoked). */
    void forget(String token) {
        entries.remove(keyOf(token));
    }

    int size() {
        return entries.size();
    }

    private void remember(Key key, Verification.Verified verified) {
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            entries.values().removeIf(e -> !reviewer.stillHolds(e));
            // A sweep must free a tenth, or the next insertions would each sweep the whole map again.
            if (entries.size() > maxEntries - Math.max(1, maxEntries / 10)) {
                entries.clear();
            }
        }
        entries.put(key, verified);
    }

    private Key keyOf(String token) {
        Mac mac = macs.get();
        ByteBuffer h = ByteBuffer.wrap(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        return new Key(h.getLong(), h.getLong(), h.getLong(), h.getLong());
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
