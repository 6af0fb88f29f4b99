package io.greenshank.authz.path;

/**
 * How far a request path is normalized before it is judged, named as Istio's {@code meshConfig.pathNormalization}.
 * Each option does everything the one before it does.
 */
public enum PathNormalization {
    /** The path is judged as sent (query and fragment still stripped). Not recommended; here for parity. */
    NONE,
    /** RFC 3986 normalization: unreserved percent-encodings decoded once, {@code \} to {@code /}, dot segments resolved. */
    BASE,
    /** BASE, then runs of slashes merged into one. */
    MERGE_SLASHES,
    /** {@code %2F} and {@code %5C} decoded to {@code /} and {@code \} first, then MERGE_SLASHES. */
    DECODE_AND_MERGE_SLASHES
}
