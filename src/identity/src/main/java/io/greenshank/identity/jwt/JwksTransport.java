package io.greenshank.identity.jwt;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How discovery and JWKS documents of one issuer are fetched over HTTPS.
 *
 * @param caFile          PEM file of the CA certificate(s) that sign the issuer's server certificate; when set, only
 *                        these are trusted for this issuer (not the JDK trust store). Re-read when the file changes.
 *                        For an IdP behind a private or self-signed CA, or {@code https://kubernetes.default.svc}
 *                        with {@code /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
 * @param bearerTokenFile file whose content is sent as {@code Authorization: Bearer} on each fetch (re-read every
 *                        time, so a rotating projected service-account token works); sent only over HTTPS and only
 *                        to the origin of the configured discovery or JWKS URL, never to another host a discovery
 *                        document points at
 */
public record JwksTransport(Optional<Path> caFile, Optional<Path> bearerTokenFile) {

    /** The JDK trust store, no credentials. */
    public static final JwksTransport DEFAULT = new JwksTransport(Optional.empty(), Optional.empty());

    public JwksTransport {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
    }

    public static JwksTransport trusting(Path caFile) {
        return new JwksTransport(Optional.of(caFile), Optional.empty());
    }

    public JwksTransport withBearerTokenFile(Path tokenFile) {
        return new JwksTransport(caFile, Optional.of(tokenFile));
    }
}
