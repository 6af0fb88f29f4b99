package io.greenshank.identity.jwt;

/** A discovery or JWKS document could not be fetched or understood. */
final class JwksFetchException extends Exception {
    JwksFetchException(String message) {
        super(message, null, false, false);
    }
}
