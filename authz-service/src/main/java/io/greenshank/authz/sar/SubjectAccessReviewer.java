package io.greenshank.authz.sar;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Asks the API server whether a subject may act on a resource ({@code authorization.k8s.io/v1} SubjectAccessReview),
 * with a decision cache (separate lifetimes for allowed and denied, bounded in size) and with identical concurrent
 * reviews coalesced into one call. An API error or timeout denies with {@link ReviewDecision#BACKEND_UNAVAILABLE}.
 */
public final class SubjectAccessReviewer {

    private static final Logger LOG = Logger.getLogger(SubjectAccessReviewer.class);
    static final int RETRY_AFTER_MILLIS = 50;

    /**
     * @param allowTtl   how long an allow is reused
     * @param denyTtl    how long a deny is reused (shorter, so a newly granted role takes effect soon)
     * @param maxEntries cache bound
     * @param timeout    how long a Check waits for the API server
     */
    public record Settings(Duration allowTtl, Duration denyTtl, int maxEntries, Duration timeout) {
    }

    private record Key(ReviewSubject subject, ResourceAttributes resource) {
    }

    private record Entry(ReviewDecision decision, long expiresAtNanos) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Executor executor;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Entry> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, CompletableFuture<ReviewDecision>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong apiCalls = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nextSweepNanos;

    public SubjectAccessReviewer(KubernetesClient client, Settings settings, Executor executor, LongSupplier nanoClock) {
        this.client = boundedBy(client, settings.timeout());
        this.settings = settings;
        this.executor = executor;
        this.nanoClock = nanoClock;
        this.nextSweepNanos = new AtomicLong(nanoClock.getAsLong() + sweepInterval(settings).toNanos());
    }

    /** The longest lifetime: by then every entry stored before the last sweep has expired. */
    private static Duration sweepInterval(Settings s) {
        Duration longest = s.allowTtl().compareTo(s.denyTtl()) >= 0 ? s.allowTtl() : s.denyTtl();
        return longest.isNegative() || longest.isZero() ? Duration.ofMinutes(1) : longest;
    }

    public ReviewDecision review(ReviewSubject subject, ResourceAttributes resource) {
        Key key = new Key(subject, resource);
        Entry e = cache.get(key);
        if (e != null) {
            if (nanoClock.getAsLong() - e.expiresAtNanos() < 0) {
                cacheHits.incrementAndGet();
                return e.decision().fromCache();
            }
            cache.remove(key, e);
        }
        CompletableFuture<ReviewDecision> mine = new CompletableFuture<>();
        CompletableFuture<ReviewDecision> running = inFlight.putIfAbsent(key, mine);
        if (running == null) {
            running = mine;
            try {
                executor.execute(() -> complete(key, mine));
            } catch (RuntimeException rejected) {
                inFlight.remove(key, mine);
                failures.incrementAndGet();
                return unavailable("review executor rejected the call");
            }
        }
        try {
            return running.get(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException ex) {
            failures.incrementAndGet();
            LOG.warnf("SubjectAccessReview for %s on %s timed out after %s", subject.user(), resource.resource(),
                    settings.timeout());
            return unavailable("timed out after " + settings.timeout().toMillis() + " ms");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        } catch (ExecutionException ex) {
            return unavailable(String.valueOf(ex.getCause()));
        }
    }

    private void complete(Key key, CompletableFuture<ReviewDecision> future) {
        ReviewDecision d;
        try {
            apiCalls.incrementAndGet();
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(request(key));
            SubjectAccessReviewStatus status = answer == null ? null : answer.getStatus();
            if (status == null) {
                throw new IllegalStateException("SubjectAccessReview answer without status");
            }
            boolean allowed = Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
            String reason = status.getReason() == null ? "" : status.getReason();
            if (status.getEvaluationError() != null && !status.getEvaluationError().isEmpty()) {
                reason = reason.isEmpty() ? status.getEvaluationError() : reason + "; " + status.getEvaluationError();
            }
            d = new ReviewDecision(allowed, reason, false, false);
            store(key, d);
        } catch (RuntimeException ex) {
            failures.incrementAndGet();
            LOG.warnf("SubjectAccessReview for %s failed: %s", key.subject().user(), ex.toString());
            d = unavailable(ex.getClass().getSimpleName());
        } finally {
            inFlight.remove(key, future);
        }
        future.complete(d);
    }

    private void store(Key key, ReviewDecision d) {
        Duration ttl = d.allowed() ? settings.allowTtl() : settings.denyTtl();
        if (ttl.isZero() || ttl.isNegative() || settings.maxEntries() <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        long due = nextSweepNanos.get();
        if (now - due >= 0 && nextSweepNanos.compareAndSet(due, now + sweepInterval(settings).toNanos())) {
            // Without this an entry nobody asks for again stays until the cache is full: memory held for decisions
            // that can never be served (the verified-token cache had the same shape; the soak found it there).
            cache.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        }
        if (cache.size() >= settings.maxEntries()) {
            evict();
        }
        cache.put(key, new Entry(d, nanoClock.getAsLong() + ttl.toNanos()));
    }

    /** Drops expired entries, then, if still full, an arbitrary tenth: O(n) but only when the bound is hit. */
    private void evict() {
        long now = nanoClock.getAsLong();
        cache.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        int excess = cache.size() - settings.maxEntries() + Math.max(1, settings.maxEntries() / 10);
        Iterator<Key> it = cache.keySet().iterator();
        while (excess-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    static SubjectAccessReview request(Key key) {
        ResourceAttributes r = key.resource();
        ReviewSubject s = key.subject();
        return new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(s.user())
                .withGroups(s.groups())
                .withExtra(s.extra().isEmpty() ? null : s.extra())
                .withNewResourceAttributes()
                .withVerb(r.verb())
                .withGroup(r.group())
                .withVersion(r.version().isEmpty() ? null : r.version())
                .withResource(r.resource())
                .withSubresource(r.subresource().isEmpty() ? null : r.subresource())
                .withNamespace(r.namespace().isEmpty() ? null : r.namespace())
                .withName(r.name().isEmpty() ? null : r.name())
                .endResourceAttributes()
                .endSpec()
                .build();
    }

    /** The review that would be sent, for explanations and tests. */
    public static SubjectAccessReview requestFor(ReviewSubject subject, ResourceAttributes resource) {
        return request(new Key(subject, resource));
    }

    /**
     * The client reviews are sent with: one retry {@value #RETRY_AFTER_MILLIS} ms later (a pooled connection the API
     * server closed fails at once) and a request timeout of {@code sar.timeout}, so a review ends within about twice
     * the wait of the Check that started it. With the client's own retries (10, backing off to 51 s) a review
     * started while the API server was away kept retrying long after it returned, and every Check for the same
     * subject and resource joined that call and was refused until it gave up.
     */
    static KubernetesClient boundedBy(KubernetesClient client, Duration timeout) {
        RequestConfig bounded = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(RETRY_AFTER_MILLIS)
                .withRequestTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
                .build();
        return client.newClient(bounded).adapt(KubernetesClient.class);
    }

    private static ReviewDecision unavailable(String detail) {
        return new ReviewDecision(false, ReviewDecision.BACKEND_UNAVAILABLE + " (" + detail + ")", false, true);
    }

    public long apiCalls() {
        return apiCalls.get();
    }

    public long cacheHits() {
        return cacheHits.get();
    }

    public long failures() {
        return failures.get();
    }

    public int cacheSize() {
        return cache.size();
    }
}
