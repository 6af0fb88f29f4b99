package io.greenshank.authz.decision;

/** Bounds on what one request may carry before it is refused unread. */
public record RequestLimits(int maxHeaderBytes, int maxHeaders) {

    public RequestLimits {
        if (maxHeaderBytes < 1024 || maxHeaders < 8) {
            throw new IllegalArgumentException("limits too small: " + maxHeaderBytes + " bytes, " + maxHeaders + " headers");
        }
    }
}
