package io.greenshank.authz.path;

/**
 * A request's {@code :path} split for judging: the normalized path (what policies see) and the raw query,
 * which no policy matches against.
 */
public record RequestTarget(String path, String query) {
}
