package io.greenshank.envoy;

import java.util.Optional;

/**
 * RFC 3986 path normalization as Envoy does it with {@code normalize_path}: Chromium's URL path canonicalizer applied
 * to the part before {@code ?}. Dot segments ({@code .}, {@code ..}, and their {@code %2e} spellings) are resolved,
 * a backslash becomes a slash, percent-escapes of unreserved characters are decoded, characters not allowed in a path
 * are percent-escaped, and an escaped or literal NUL makes the path invalid (Envoy then answers 400).
 */
// source/common/http/path_utility.cc, PathUtil::canonicalPath / PathTransformer::rfcNormalize;
// Chromium url/url_canon_path.cc (Envoy's snapshot: source/common/chromium_url/url_canon_path.cc), DoPartialPath
final class PathCanonicalizer {

    private static final int PASS = 0;
    private static final int SPECIAL = 1;
    private static final int ESCAPE = 2 | SPECIAL;
    private static final int UNESCAPE = 4;
    private static final int INVALID = 8 | SPECIAL;

    /** kPathCharLookup: what the canonicalizer does with each byte, literal or percent-decoded. */
    private static final int[] LOOKUP = new int[256];

    static {
        for (int c = 0; c < 256; c++) {
            LOOKUP[c] = ESCAPE; // control characters and every byte with the high bit set
        }
        LOOKUP[0] = INVALID;
        for (char c = '0'; c <= '9'; c++) {
            LOOKUP[c] = UNESCAPE;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            LOOKUP[c] = UNESCAPE;
            LOOKUP[c + 32] = UNESCAPE;
        }
        LOOKUP['-'] = UNESCAPE;
        LOOKUP['_'] = UNESCAPE;
        LOOKUP['~'] = UNESCAPE;
        LOOKUP['.'] = SPECIAL;
        LOOKUP['\\'] = ESCAPE; // handled before the escape check: converted to '/'
        LOOKUP['%'] = ESCAPE;
        for (char c : "!$&'()*+,/:;=@[]".toCharArray()) {
            LOOKUP[c] = PASS;
        }
        for (char c : " \"#<>?^`{|}".toCharArray()) {
            LOOKUP[c] = ESCAPE;
        }
        LOOKUP[0x7F] = ESCAPE;
    }

    private PathCanonicalizer() {
    }

    /** The canonical {@code :path} (query kept as it was), or empty when the canonicalizer reports failure. */
    static Optional<String> canonical(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q);
        StringBuilder out = new StringBuilder();
        boolean ok;
        if (path.isEmpty()) {
            out.append('/');
            ok = true;
        } else {
            if (!isSlash(path.charAt(0))) {
                out.append('/');
            }
            ok = partialPath(path, out);
        }
        return ok ? Optional.of(out + query) : Optional.empty();
    }

    private static boolean partialPath(String spec, StringBuilder out) {
        final int begin = 0; // the output's path starts at its first slash
        int end = spec.length();
        int lastInvalidPercent = Integer.MIN_VALUE;
        boolean success = true;
        for (int i = 0; i < end; i++) {
            int ch = spec.charAt(i) & 0xFF;
            int flags = LOOKUP[ch];
            if ((flags & SPECIAL) == 0) {
                out.append((char) ch);
                continue;
            }
            int dotLen = dotLength(spec, i, end);
            if (dotLen > 0) {
                if (out.length() > begin && out.charAt(out.length() - 1) == '/') {
                    int after = i + dotLen;
                    int[] consumed = new int[1];
                    switch (classifyAfterDot(spec, after, end, consumed)) {
                        case 0 -> {
                            out.append('.');
                            i += dotLen - 1;
                        }
                        case 1 -> i += dotLen + consumed[0] - 1;
                        default -> {
                            backUpToPreviousSlash(begin, out);
                            i += dotLen + consumed[0] - 1;
                        }
                    }
                } else {
                    out.append('.');
                    i += dotLen - 1;
                }
            } else if (ch == '\\') {
                out.append('/');
            } else if (ch == '%') {
                int decoded = decodeEscaped(spec, i, end);
                if (decoded >= 0) {
                    int unescapedFlags = LOOKUP[decoded];
                    i += 2;
                    if ((unescapedFlags & UNESCAPE) != 0) {
                        out.append((char) decoded);
                        if (lastInvalidPercent >= out.length() - 3) {
                            checkForNestedEscapes(spec, i + 1, end, lastInvalidPercent, out);
                        }
                    } else {
                        // kept escaped exactly as written, in case the server cares about hex case
                        out.append('%').append(spec.charAt(i - 1)).append(spec.charAt(i));
                        if ((unescapedFlags & 8) != 0) {
                            success = false;
                        }
                    }
                } else {
                    // an invalid escape passes through; remember it in case unescaping later completes one
                    lastInvalidPercent = out.length();
                    out.append('%');
                }
            } else if ((flags & 8) != 0) {
                appendEscaped(ch, out);
                success = false;
            } else {
                appendEscaped(ch, out);
            }
        }
        return success;
    }

    /** 1 for {@code .}, 3 for {@code %2e} / {@code %2E}, else 0. */
    private static int dotLength(String spec, int i, int end) {
        if (spec.charAt(i) == '.') {
            return 1;
        }
        if (spec.charAt(i) == '%' && i + 2 < end && spec.charAt(i + 1) == '2'
                && (spec.charAt(i + 2) == 'e' || spec.charAt(i + 2) == 'E')) {
            return 3;
        }
        return 0;
    }

    /** 0: part of a name; 1: the current directory; 2: one directory up. */
    private static int classifyAfterDot(String spec, int afterDot, int end, int[] consumed) {
        if (afterDot == end) {
            consumed[0] = 0;
            return 1;
        }
        if (isSlash(spec.charAt(afterDot))) {
            consumed[0] = 1;
            return 1;
        }
        int second = dotLength(spec, afterDot, end);
        if (second > 0) {
            int afterSecond = afterDot + second;
            if (afterSecond == end) {
                consumed[0] = second;
                return 2;
            }
            if (isSlash(spec.charAt(afterSecond))) {
                consumed[0] = second + 1;
                return 2;
            }
        }
        consumed[0] = 0;
        return 0;
    }

    private static void backUpToPreviousSlash(int begin, StringBuilder out) {
        int i = out.length() - 1;
        if (i == begin) {
            return;
        }
        i--;
        while (out.charAt(i) != '/' && i > begin) {
            i--;
        }
        out.setLength(i + 1);
    }

    /**
     * After an unescape right behind an invalid {@code %}, the output could now read as a valid escape (for example
     * {@code %%30} becoming {@code %0}); that {@code %} is then escaped as {@code %25} so the result cannot be
     * re-read differently.
     */
    private static void checkForNestedEscapes(String spec, int next, int end, int lastInvalidPercent, StringBuilder out) {
        int length = out.length();
        char lastUnescaped = out.charAt(length - 1);
        boolean appendNext = lastInvalidPercent == length - 2;
        if (appendNext) {
            if (next == end || (spec.charAt(next) & 0xFF) >= 0x80) {
                return;
            }
            out.append(spec.charAt(next));
        }
        if (decodeEscaped(out.toString(), lastInvalidPercent, out.length()) >= 0) {
            if (!appendNext) {
                out.append(out.charAt(lastInvalidPercent + 1));
            }
            out.setCharAt(lastInvalidPercent + 1, '2');
            out.setCharAt(lastInvalidPercent + 2, '5');
            out.append(lastUnescaped);
        } else if (appendNext) {
            out.setLength(length);
        }
    }

    /** The byte a {@code %XX} at {@code i} stands for, or -1. */
    private static int decodeEscaped(String spec, int i, int end) {
        if (i + 2 >= end) {
            return -1;
        }
        int hi = Character.digit(spec.charAt(i + 1), 16);
        int lo = Character.digit(spec.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        return hi * 16 + lo;
    }

    private static void appendEscaped(int ch, StringBuilder out) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(ch >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(ch & 0xF, 16)));
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }
}
