package io.greenshank.identity.jwt;

/** Observes key-set fetches, for metrics and logs. Called on the fetching thread; must not block. */
public interface JwksListener {

    /** Why a fetch happened. */
    enum Trigger { INITIAL, SCHEDULED, UNKNOWN_KID }

    /** A fetch succeeded and the issuer now has {@code keyCount} usable keys. */
    default void refreshed(String issuer, Trigger trigger, int keyCount) {
    }

    /** A fetch failed; {@code error} is operator-facing and never holds secrets. */
    default void refreshFailed(String issuer, Trigger trigger, String error) {
    }

    /** An unknown-kid refetch was refused by the rate limit. */
    default void refetchRateLimited(String issuer) {
    }

    JwksListener NONE = new JwksListener() {
    };
}
