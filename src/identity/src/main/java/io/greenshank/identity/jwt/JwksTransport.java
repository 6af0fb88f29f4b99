package io.greenshank.identity.jwt;

import java.net.URI;
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

    /**
     * The transport of an issuer configured with {@code <configPrefix>.ca-file} and
     * {@code <configPrefix>.bearer-token-file}, checked against its key source: both apply only to keys fetched over
     * the network (discovery or a JWKS URL), and a bearer token only to an {@code https} URL. Every service that
     * trusts issuers by configuration builds its transport here, so the rules and messages are the same everywhere.
     *
     * @throws IllegalArgumentException naming {@code configPrefix} when the combination is not allowed
     */
    public static JwksTransport forKeySource(String configPrefix, KeySource source, Optional<Path> caFile,
                                             Optional<Path> bearerTokenFile) {
        Objects.requireNonNull(configPrefix, "configPrefix");
        Objects.requireNonNull(source, "source");
        JwksTransport transport = new JwksTransport(caFile, bearerTokenFile);
        if (caFile.isEmpty() && bearerTokenFile.isEmpty()) {
            return transport;
        }
        URI fetched = null;
        if (source instanceof KeySource.Discovery d) {
            fetched = d.discoveryUri();
        } else if (source instanceof KeySource.JwksUri u) {
            fetched = u.uri();
        }
        if (fetched == null) {
            throw new IllegalArgumentException(configPrefix + ": ca-file and bearer-token-file apply to keys fetched "
                    + "over the network (discovery or a JWKS URL), not to a JWKS file");
        }
        if (bearerTokenFile.isPresent() && !"https".equalsIgnoreCase(fetched.getScheme())) {
            throw new IllegalArgumentException(configPrefix + ": bearer-token-file needs an https discovery or JWKS "
                    + "URL (the token must not travel in clear), not " + fetched);
        }
        return transport;
    }

    public static JwksTransport trusting(Path caFile) {
        return new JwksTransport(Optional.of(caFile), Optional.empty());
    }

    public JwksTransport withBearerTokenFile(Path tokenFile) {
        return new JwksTransport(caFile, Optional.of(tokenFile));
    }
}
