package io.greenshank.identity.jwt;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Reads the raw JWKS document of one issuer, following OIDC discovery when configured. */
final class JwksFetcher {

    private final TrustedIssuer issuer;
    private final IssuerHttp http;
    private volatile URI discoveredJwksUri;

    JwksFetcher(TrustedIssuer issuer, HttpClient http) {
        this.issuer = issuer;
        this.http = new IssuerHttp(issuer.transport(), http, configuredUri(issuer.keySource()));
    }

    private static Optional<URI> configuredUri(KeySource source) {
        if (source instanceof KeySource.JwksUri u) {
            return Optional.of(u.uri());
        }
        if (source instanceof KeySource.Discovery d) {
            return Optional.of(d.discoveryUri());
        }
        return Optional.empty();
    }

    String fetch() throws JwksFetchException {
        KeySource source = issuer.keySource();
        if (source instanceof KeySource.Inline inline) {
            return inline.jwksJson();
        }
        if (source instanceof KeySource.JwksFile file) {
            try {
                long size = Files.size(file.path());
                if (size > issuer.jwks().maxDocumentBytes()) {
                    throw new JwksFetchException("JWKS file " + file.path() + " exceeds " + issuer.jwks().maxDocumentBytes() + " bytes");
                }
                return Files.readString(file.path(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new JwksFetchException("cannot read JWKS file " + file.path() + ": " + e.getMessage());
            }
        }
        if (source instanceof KeySource.JwksUri uri) {
            return get(uri.uri());
        }
        KeySource.Discovery discovery = (KeySource.Discovery) source;
        URI jwksUri = discoveredJwksUri;
        if (jwksUri == null) {
            jwksUri = discover(discovery.discoveryUri());
        }
        try {
            return get(jwksUri);
        } catch (JwksFetchException e) {
            discoveredJwksUri = null; // the IdP may have moved its keys; discover again next time
            throw e;
        }
    }

    private URI discover(URI discoveryUri) throws JwksFetchException {
        String doc = get(discoveryUri);
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(doc);
        } catch (ParseException e) {
            throw new JwksFetchException("discovery document at " + discoveryUri + " is not JSON");
        }
        if (!issuer.issuer().equals(json.get("issuer"))) {
            throw new JwksFetchException("discovery document at " + discoveryUri + " names issuer '"
                    + json.get("issuer") + "', expected '" + issuer.issuer() + "'");
        }
        if (!(json.get("jwks_uri") instanceof String s) || s.isBlank()) {
            throw new JwksFetchException("discovery document at " + discoveryUri + " has no jwks_uri");
        }
        try {
            URI uri = URI.create(s);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new JwksFetchException("jwks_uri " + s + " is not http(s)");
            }
            discoveredJwksUri = uri;
            return uri;
        } catch (IllegalArgumentException e) {
            throw new JwksFetchException("jwks_uri in " + discoveryUri + " is not a URI");
        }
    }

    private String get(URI uri) throws JwksFetchException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(issuer.jwks().fetchTimeout())
                .header("Accept", "application/json, application/jwk-set+json").GET();
        Optional<String> bearer = http.bearerFor(uri);
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        HttpClient client = http.client();
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new JwksFetchException("GET " + uri + " returned HTTP " + response.statusCode()
                            + statusHint(response.statusCode(), bearer.isPresent()));
                }
                int max = issuer.jwks().maxDocumentBytes();
                byte[] body = in.readNBytes(max + 1);
                if (body.length > max) {
                    throw new JwksFetchException("GET " + uri + " returned more than " + max + " bytes");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        } catch (SSLException e) {
            throw new JwksFetchException("GET " + uri + " failed: TLS handshake refused ("
                    + (e.getMessage() == null ? "no detail" : e.getMessage()) + ")"
                    + (issuer.transport().caFile().isPresent()
                        ? "; the server certificate is not signed by the issuer's CA file " + issuer.transport().caFile().get()
                          + " or does not name this host"
                        : "; if the issuer uses a private or self-signed CA, configure the issuer's CA file (PEM)"));
        } catch (IOException e) {
            throw new JwksFetchException("GET " + uri + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksFetchException("GET " + uri + " interrupted");
        }
    }

    private static String statusHint(int status, boolean sentBearer) {
        if (status == 401 || status == 403) {
            return sentBearer ? " (the bearer token was refused)"
                    : " (the endpoint may need a bearer token: configure the issuer's bearer token file)";
        }
        return "";
    }
}
