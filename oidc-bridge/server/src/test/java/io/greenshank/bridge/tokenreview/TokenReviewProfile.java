package io.greenshank.bridge.tokenreview;

import io.greenshank.testing.net.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bridge with its TokenReview port on, certificates from {@link WebhookPki}, a configured issuer, and h2 offered
 * (so the API server's model takes it; its {@code DISABLE_HTTP2} twin still speaks HTTP/1.1).
 */
public class TokenReviewProfile implements QuarkusTestProfile {

    static final String ISSUER = "https://bridge.greenshank.test";
    static final Path PKI_DIR = Path.of("target", "token-review-pki");
    static final WebhookPki PKI;
    static final int PORT = FreePorts.loopback();

    static {
        try {
            PKI = WebhookPki.create(PKI_DIR.toAbsolutePath());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test PKI", e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "greenshank.bridge.issuer", ISSUER,
                "greenshank.bridge.token-review.enabled", "true",
                "greenshank.bridge.token-review.host", "127.0.0.1",
                "greenshank.bridge.token-review.port", Integer.toString(PORT),
                "greenshank.bridge.token-review.certificate-file", PKI.serverCert().toString(),
                "greenshank.bridge.token-review.key-file", PKI.serverKey().toString(),
                "greenshank.bridge.token-review.client-ca-file", PKI.ca().toString(),
                "greenshank.bridge.token-review.http2", "true");
    }
}
