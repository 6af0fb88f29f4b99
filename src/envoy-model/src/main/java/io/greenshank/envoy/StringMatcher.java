package io.greenshank.envoy;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code envoy.type.matcher.v3.StringMatcher}: exact, prefix, suffix, contains or safe_regex, optionally ignoring
 * case (regex never does). Envoy matches header names with these in {@code allowed_headers},
 * {@code allowed_upstream_headers}, {@code allowed_client_headers} and their kin.
 */
// source/common/common/matchers.cc, StringMatcherImpl::match
public record StringMatcher(Kind kind, String pattern, boolean ignoreCase) {

    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, SAFE_REGEX }

    public StringMatcher {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pattern, "pattern");
        if (kind == Kind.SAFE_REGEX && ignoreCase) {
            throw new IllegalArgumentException("ignore_case is not supported with safe_regex");
        }
    }

    public static StringMatcher exact(String s) {
        return new StringMatcher(Kind.EXACT, s, false);
    }

    public static StringMatcher prefix(String s) {
        return new StringMatcher(Kind.PREFIX, s, false);
    }

    public static StringMatcher suffix(String s) {
        return new StringMatcher(Kind.SUFFIX, s, false);
    }

    public static StringMatcher contains(String s) {
        return new StringMatcher(Kind.CONTAINS, s, false);
    }

    /** A full match, as RE2's {@code FullMatch} (Java's regex dialect is close enough for header names). */
    public static StringMatcher regex(String s) {
        return new StringMatcher(Kind.SAFE_REGEX, s, false);
    }

    public StringMatcher ignoringCase() {
        return new StringMatcher(kind, pattern, true);
    }

    public boolean matches(String value) {
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        return switch (kind) {
            case EXACT -> v.equals(p);
            case PREFIX -> v.startsWith(p);
            case SUFFIX -> v.endsWith(p);
            case CONTAINS -> v.contains(p);
            case SAFE_REGEX -> Pattern.compile(pattern).matcher(value).matches();
        };
    }
}
