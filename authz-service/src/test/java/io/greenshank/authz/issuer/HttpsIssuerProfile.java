package io.greenshank.authz.issuer;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** Prod-like: no development issuer; two issuers on a self-signed HTTPS IdP, one with its CA and token files. */
public class HttpsIssuerProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("greenshank.authz.dev-issuer.enabled", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(HttpsIdpResource.class));
    }
}
