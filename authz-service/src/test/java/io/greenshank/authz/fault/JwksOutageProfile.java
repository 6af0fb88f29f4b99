package io.greenshank.authz.fault;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * Production settings except the time scale: keys refreshed every 250 ms and served stale for 1.5 s (12 h by default)
 * so that an outage outlives them within a test; the token cache keeps its entries far longer than that, so a cached
 * token allowed after the keys went stale would show.
 */
public class JwksOutageProfile implements QuarkusTestProfile {

    static final long MAX_STALE_MILLIS = 1_500;
    static final long FETCH_TIMEOUT_MILLIS = 800;
    static final long DECISION_TIMEOUT_MILLIS = 2_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.authz.dev-issuer.enabled", "false",
                "greenshank.authz.issuers.corp.refresh-interval", "250ms",
                "greenshank.authz.issuers.corp.max-stale", MAX_STALE_MILLIS + "ms",
                "greenshank.authz.issuers.corp.fetch-timeout", FETCH_TIMEOUT_MILLIS + "ms",
                "greenshank.authz.issuers.corp.unknown-kid-min-interval", "1s",
                "greenshank.authz.cache.max-ttl", "5m",
                "greenshank.authz.deny.timeout", DECISION_TIMEOUT_MILLIS + "ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultyIdpResource.class));
    }
}
