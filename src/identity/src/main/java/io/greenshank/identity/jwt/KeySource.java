package io.greenshank.identity.jwt;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Where an issuer's public keys come from. */
public sealed interface KeySource {

    /**
     * OIDC discovery: {@code <issuer>/.well-known/openid-configuration} names the {@code jwks_uri}. The
     * document's {@code issuer} must equal the configured issuer.
     */
    record Discovery(URI discoveryUri) implements KeySource {
        public Discovery {
            Objects.requireNonNull(discoveryUri, "discoveryUri");
        }

        public static Discovery forIssuer(String issuer) {
            String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
            return new Discovery(URI.create(base + "/.well-known/openid-configuration"));
        }
    }

    /** A JWKS document fetched over HTTP(S). */
    record JwksUri(URI uri) implements KeySource {
        public JwksUri {
            Objects.requireNonNull(uri, "uri");
        }
    }

    /** A JWKS file on disk (e.g. a mounted ConfigMap), re-read on every refresh so rotation needs no restart. */
    record JwksFile(Path path) implements KeySource {
        public JwksFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A JWKS given inline, e.g. a locally generated development key. */
    record Inline(String jwksJson) implements KeySource {
        public Inline {
            Objects.requireNonNull(jwksJson, "jwksJson");
        }
    }
}
