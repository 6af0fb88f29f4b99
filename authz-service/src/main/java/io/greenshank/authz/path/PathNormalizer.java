package io.greenshank.authz.path;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.Objects;

/**
 * Normalizes a request path the way Istio configures Envoy to, so that a policy cannot be bypassed by a spelling of
 * the same path that the upstream would resolve differently (CVE-2020-8595, CVE-2021-31920, CVE-2021-39156).
 *
 * <p>Order: reject NUL and control characters; strip query and fragment; optionally decode {@code %2F}/{@code %5C};
 * decode percent-encoded unreserved characters once; {@code \} to {@code /}; resolve {@code .} and {@code ..};
 * optionally merge slashes.
 */
public final class PathNormalizer {

    private final PathNormalization mode;

    public PathNormalizer(PathNormalization mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public PathNormalization mode() {
        return mode;
    }

    /**
     * Why a request path (without query) must not be judged in any normalization mode, or null when it may be: empty,
     * a control character, {@code %00}, or not starting with {@code /} or {@code \}. Allocation-free, for the
     * screening every Check gets before authentication; {@link #normalize} applies the same rules (and, in
     * {@link PathNormalization#NONE}, refuses a leading {@code \} too).
     */
    public static String malformed(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control character in path";
            }
        }
        if (containsEncodedNul(path)) {
            return "%00 in path";
        }
        char first = path.charAt(0);
        return first == '/' || first == '\\' ? null : "path must start with '/'";
    }

    public RequestTarget normalize(String rawTarget) throws RejectedPathException {
        if (rawTarget == null || rawTarget.isEmpty()) {
            throw new RejectedPathException("empty path");
        }
        for (int i = 0; i < rawTarget.length(); i++) {
            char c = rawTarget.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new RejectedPathException("control character in path");
            }
        }
        int fragment = rawTarget.indexOf('#');
        String target = fragment >= 0 ? rawTarget.substring(0, fragment) : rawTarget;
        int q = target.indexOf('?');
        String path = q >= 0 ? target.substring(0, q) : target;
        String query = q >= 0 ? target.substring(q + 1) : "";
        if (containsEncodedNul(path)) {
            throw new RejectedPathException("%00 in path");
        }
        if (!path.startsWith("/") && !(mode != PathNormalization.NONE && path.startsWith("\\"))) {
            throw new RejectedPathException("path must start with '/'");
        }
        if (mode == PathNormalization.NONE) {
            return new RequestTarget(path, query);
        }
        if (mode == PathNormalization.DECODE_AND_MERGE_SLASHES) {
            path = decodeEscapedSlashes(path);
        }
        path = decodeUnreserved(path);
        path = path.replace('\\', '/');
        path = removeDotSegments(path);
        if (mode == PathNormalization.MERGE_SLASHES || mode == PathNormalization.DECODE_AND_MERGE_SLASHES) {
            path = mergeSlashes(path);
        }
        return new RequestTarget(path, query);
    }

    private static boolean containsEncodedNul(String path) {
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            if (path.charAt(i + 1) == '0' && path.charAt(i + 2) == '0') {
                return true;
            }
        }
        return false;
    }

    private static String decodeEscapedSlashes(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                char h = path.charAt(i + 1);
                char l = Character.toUpperCase(path.charAt(i + 2));
                if (h == '2' && l == 'F') {
                    out.append('/');
                    i += 2;
                    continue;
                }
                if (h == '5' && l == 'C') {
                    out.append('\\');
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Decodes %XX only where XX is an RFC 3986 unreserved character; other escapes keep their meaning (upper-cased).
     * A stray {@code %} that decoding turns into the start of an escape ({@code %%341} to {@code %41}) is written
     * {@code %25}, as Chromium's canonicalizer in Envoy does (CheckForNestedEscapes): otherwise a second decoding,
     * by the upstream or by normalizing again, would read a path the policy never saw.
     */
    private static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        List<Integer> strayPercents = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi * 16 + lo);
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                                .append(Character.toUpperCase(path.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            if (c == '%') {
                strayPercents.add(out.length());
            }
            out.append(c);
        }
        for (int k = strayPercents.size() - 1; k >= 0; k--) {
            int p = strayPercents.get(k);
            if (p + 2 < out.length() && Character.digit(out.charAt(p + 1), 16) >= 0
                    && Character.digit(out.charAt(p + 2), 16) >= 0) {
                out.insert(p + 1, "25");
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.4, on segments; {@code ..} above the root stays at the root. */
    private static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        Deque<String> out = new ArrayDeque<>();
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                out.pollLast();
                trailingSlash = last;
            } else {
                out.addLast(s);
                trailingSlash = false;
            }
        }
        StringBuilder b = new StringBuilder(path.length());
        for (String s : out) {
            b.append('/').append(s);
        }
        if (trailingSlash || b.length() == 0) {
            b.append('/');
        }
        return b.toString();
    }

    private static String mergeSlashes(String path) {
        if (!path.contains("//")) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        char prev = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!(c == '/' && prev == '/')) {
                b.append(c);
            }
            prev = c;
        }
        return b.toString();
    }
}
