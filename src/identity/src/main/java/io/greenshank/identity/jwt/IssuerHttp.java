package io.greenshank.identity.jwt;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP client and credentials one issuer's fetches use: the shared client, or one that trusts only the issuer's
 * CA file (rebuilt when the file changes, so a rotated CA bundle needs no restart).
 */
final class IssuerHttp {

    private static final int MAX_TOKEN_FILE_BYTES = 64 * 1024;

    private final JwksTransport transport;
    private final HttpClient shared;
    private final Optional<String> bearerOrigin;
    private HttpClient trusting;
    private FileTime caModified;
    private long caSize = -1;

    /** {@code credentialTarget} is the configured discovery or JWKS URL: only its origin ever gets the token. */
    IssuerHttp(JwksTransport transport, HttpClient shared, Optional<URI> credentialTarget) {
        this.transport = transport;
        this.shared = shared;
        this.bearerOrigin = credentialTarget.map(IssuerHttp::origin);
    }

    /** Called under the issuer's fetch lock. */
    HttpClient client() throws JwksFetchException {
        if (transport.caFile().isEmpty()) {
            return shared;
        }
        Path ca = transport.caFile().get();
        try {
            FileTime modified = Files.getLastModifiedTime(ca);
            long size = Files.size(ca);
            if (trusting == null || !modified.equals(caModified) || size != caSize) {
                trusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER).sslContext(sslContextTrusting(ca)).build();
                caModified = modified;
                caSize = size;
            }
            return trusting;
        } catch (IOException e) {
            throw new JwksFetchException("cannot read CA file " + ca + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** The bearer token to send to {@code uri}, if one is configured and {@code uri} may receive it. */
    Optional<String> bearerFor(URI uri) throws JwksFetchException {
        if (transport.bearerTokenFile().isEmpty()) {
            return Optional.empty();
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new JwksFetchException("refusing to send the bearer token over plain HTTP to " + uri
                    + "; use an https URL for this issuer");
        }
        if (bearerOrigin.isEmpty() || !bearerOrigin.get().equals(origin(uri))) {
            return Optional.empty();
        }
        Path file = transport.bearerTokenFile().get();
        try {
            if (Files.size(file) > MAX_TOKEN_FILE_BYTES) {
                throw new JwksFetchException("bearer token file " + file + " exceeds " + MAX_TOKEN_FILE_BYTES + " bytes");
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new JwksFetchException("bearer token file " + file + " is empty or not a single printable token");
            }
            return Optional.of(token);
        } catch (IOException e) {
            throw new JwksFetchException("cannot read bearer token file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private static SSLContext sslContextTrusting(Path caFile) throws JwksFetchException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new JwksFetchException("CA file " + caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new JwksFetchException("CA file " + caFile + " is not a PEM certificate bundle: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static String origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return Objects.toString(uri.getScheme(), "").toLowerCase() + "://"
                + Objects.toString(uri.getHost(), "").toLowerCase() + ":" + port;
    }
}
