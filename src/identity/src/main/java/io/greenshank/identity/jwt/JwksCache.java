package io.greenshank.identity.jwt;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The key set of one issuer: the last good snapshot, refreshed in the background, refetched (rate-limited) when a
 * token names an unknown {@code kid}, and served stale for at most {@link JwksSettings#maxStale()} while the IdP is
 * unreachable.
 */
public final class JwksCache {

    private final TrustedIssuer issuer;
    private final JwksFetcher fetcher;
    private final Clock clock;
    private final JwksListener listener;
    private final Object fetchLock = new Object();

    private volatile IssuerKeys current;
    private volatile Instant lastOnDemandFetch;
    private volatile String lastError = "not fetched yet";

    JwksCache(TrustedIssuer issuer, HttpClient http, Clock clock, JwksListener listener) {
        this.issuer = issuer;
        this.fetcher = new JwksFetcher(issuer, http);
        this.clock = clock;
        this.listener = listener;
    }

    public String issuer() {
        return issuer.issuer();
    }

    /** True when keys are loaded and not older than the staleness bound. */
    public boolean ready() {
        return usable() != null;
    }

    /** The last fetch error, or empty when the last fetch succeeded. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** When the keys in use were fetched. */
    public Optional<Instant> fetchedAt() {
        IssuerKeys k = current;
        return k == null ? Optional.empty() : Optional.of(k.fetchedAt());
    }

    /** Fetches now, whatever the rate limit; true on success. Used by the scheduler and at start-up. */
    public boolean refresh(JwksListener.Trigger trigger) {
        synchronized (fetchLock) {
            return fetchLocked(trigger);
        }
    }

    IssuerKeys usable() {
        IssuerKeys k = current;
        if (k == null || Duration.between(k.fetchedAt(), clock.instant()).compareTo(issuer.jwks().maxStale()) > 0) {
            return null;
        }
        return k;
    }

    /**
     * Fetches again because a token named a key we do not have (or we have none), unless such an on-demand fetch
     * happened within {@link JwksSettings#unknownKidMinInterval()}. Scheduled refreshes do not count against the
     * limit, so a key rotated just after a scheduled refresh is still picked up by its first token. Callers re-read {@link #usable()} afterwards: a
     * concurrent caller may have fetched the new keys while this one waited.
     */
    void refetchForUnknownKid(String kid) {
        synchronized (fetchLock) {
            IssuerKeys k = usable();
            if (kid != null && k != null && k.hasKid(kid)) {
                return; // another caller already fetched it
            }
            Instant last = lastOnDemandFetch;
            if (last != null && Duration.between(last, clock.instant()).compareTo(issuer.jwks().unknownKidMinInterval()) < 0) {
                listener.refetchRateLimited(issuer.issuer());
                return;
            }
            lastOnDemandFetch = clock.instant();
            fetchLocked(JwksListener.Trigger.UNKNOWN_KID);
        }
    }

    private boolean fetchLocked(JwksListener.Trigger trigger) {
        try {
            IssuerKeys keys = IssuerKeys.parse(fetcher.fetch(), clock.instant());
            current = keys;
            lastError = null;
            listener.refreshed(issuer.issuer(), trigger, keys.size());
            return true;
        } catch (JwksFetchException e) {
            lastError = e.getMessage();
            listener.refreshFailed(issuer.issuer(), trigger, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            lastError = "unexpected " + e.getClass().getSimpleName();
            listener.refreshFailed(issuer.issuer(), trigger, lastError);
            return false;
        }
    }
}
