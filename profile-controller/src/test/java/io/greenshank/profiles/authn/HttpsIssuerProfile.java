package io.greenshank.profiles.authn;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The %test profile plus the two issuers of {@link HttpsIdpResource}. */
public class HttpsIssuerProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(HttpsIdpResource.class));
    }
}
