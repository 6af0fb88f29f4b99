package io.greenshank.identity.jwt;

import java.time.Duration;
import java.util.Objects;

/**
 * How an issuer's key set is kept fresh.
 *
 * @param refreshInterval     background refresh period after a successful fetch
 * @param unknownKidMinInterval minimum time between fetches triggered by an unknown {@code kid}, so a flood of
 *                            bogus key ids cannot hammer the IdP
 * @param maxStale            how long keys from the last successful fetch keep being used while fetches fail;
 *                            after that, tokens of this issuer are refused with {@code keys_unavailable}
 * @param fetchTimeout        connect + read timeout of one fetch
 * @param maxDocumentBytes    upper bound on a discovery or JWKS document
 */
public record JwksSettings(Duration refreshInterval, Duration unknownKidMinInterval, Duration maxStale,
                           Duration fetchTimeout, int maxDocumentBytes) {

    public static final JwksSettings DEFAULT = new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
            Duration.ofHours(12), Duration.ofSeconds(5), 512 * 1024);

    public JwksSettings {
        positive(refreshInterval, "refreshInterval");
        Objects.requireNonNull(unknownKidMinInterval, "unknownKidMinInterval");
        if (unknownKidMinInterval.isNegative()) {
            throw new IllegalArgumentException("unknownKidMinInterval must not be negative");
        }
        positive(maxStale, "maxStale");
        positive(fetchTimeout, "fetchTimeout");
        if (maxDocumentBytes < 1024) {
            throw new IllegalArgumentException("maxDocumentBytes must be at least 1024");
        }
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
