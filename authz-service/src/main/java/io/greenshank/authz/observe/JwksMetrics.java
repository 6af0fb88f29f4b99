package io.greenshank.authz.observe;

import io.greenshank.identity.jwt.JwksListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/** JWKS fetches by issuer, trigger and result, and rate-limited refetches; failures are logged for the operator. */
public final class JwksMetrics implements JwksListener {

    private static final Logger LOG = Logger.getLogger(JwksMetrics.class);

    private final MeterRegistry registry;

    public JwksMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void refreshed(String issuer, Trigger trigger, int keyCount) {
        counter(issuer, trigger, "success").increment();
        LOG.debugf("JWKS of %s refreshed (%s): %d keys", issuer, trigger, keyCount);
    }

    @Override
    public void refreshFailed(String issuer, Trigger trigger, String error) {
        counter(issuer, trigger, "failure").increment();
        LOG.warnf("JWKS of %s could not be refreshed (%s): %s", issuer, trigger, error);
    }

    @Override
    public void refetchRateLimited(String issuer) {
        Counter.builder("greenshank.authz.jwks.refetch.limited").description("Unknown-kid refetches refused by the rate limit")
                .tag("issuer", issuer).register(registry).increment();
    }

    private Counter counter(String issuer, Trigger trigger, String result) {
        return Counter.builder("greenshank.authz.jwks.refresh").description("JWKS fetches")
                .tag("issuer", issuer).tag("trigger", trigger.name().toLowerCase(java.util.Locale.ROOT))
                .tag("result", result).register(registry);
    }
}
