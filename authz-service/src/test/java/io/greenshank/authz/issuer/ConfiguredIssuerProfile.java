package io.greenshank.authz.issuer;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** Prod-like: no development issuer; one OIDC issuer by discovery; cookie and IAP header credentials; login redirect. */
public class ConfiguredIssuerProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.authz.dev-issuer.enabled", "false",
                "greenshank.authz.credentials.cookie", "authservice_session",
                "greenshank.authz.credentials.headers", "x-goog-iap-jwt-assertion",
                "greenshank.authz.headers.user", "x-user",
                "greenshank.authz.headers.groups", "x-groups",
                "greenshank.authz.headers.also-remove", "kubeflow-userid",
                "greenshank.authz.deny.login-url", "https://login.example.test/start",
                "greenshank.authz.public-paths", "/healthz,/static/*");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(IdpResource.class));
    }
}
