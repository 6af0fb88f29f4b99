package io.greenshank.authz.path;

/** A request target that must not be judged at all (Envoy answers such requests with 400). */
public final class RejectedPathException extends Exception {

    public RejectedPathException(String reason) {
        super(reason, null, false, false);
    }
}
