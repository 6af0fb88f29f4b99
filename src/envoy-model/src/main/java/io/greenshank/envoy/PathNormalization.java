package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the connection manager does to {@code :path} before any filter runs. */
// source/common/http/conn_manager_utility.cc, ConnectionManagerUtility::maybeNormalizePath
final class PathNormalization {

    private PathNormalization() {
    }

    /** The path to route and authorize, or empty when Envoy rejects it (a 400, path_normalization_failed). */
    static Optional<String> apply(String path, ConnectionManagerConfig config) {
        // a fragment is never sent by a conforming client; envoy.reloadable_features.http_reject_path_with_fragment
        if (path.indexOf('#') >= 0) {
            return Optional.empty();
        }
        String p = path;
        if (config.normalizePath()) {
            Optional<String> canonical = PathCanonicalizer.canonical(p);
            if (canonical.isEmpty()) {
                return Optional.empty();
            }
            p = canonical.get();
        }
        // merged after normalization "to catch potential edge cases with percent encoding"
        if (config.mergeSlashes()) {
            p = mergedSlashes(p);
        }
        return Optional.of(p);
    }

    // source/common/http/path_utility.cc, PathTransformer::mergeSlashes
    static String mergedSlashes(String original) {
        int q = original.indexOf('?');
        String path = q < 0 ? original : original.substring(0, q);
        String query = q < 0 ? "" : original.substring(q);
        if (!path.contains("//")) {
            return original;
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        return (path.startsWith("/") ? "/" : "") + String.join("/", segments) + (path.endsWith("/") ? "/" : "") + query;
    }
}
