package io.greenshank.authz.policy.match;

import java.util.Locale;

/**
 * Istio's string match for policy values: exact, {@code prefix*}, {@code *suffix}, or {@code *} (any non-empty
 * value: "present"). A {@code *} anywhere else is a literal character, as in Istio.
 */
public record StringMatcher(Kind kind, String text, boolean ignoreCase, String source) {

    public enum Kind { EXACT, PREFIX, SUFFIX, PRESENT }

    public static StringMatcher of(String value) {
        return of(value, false);
    }

    public static StringMatcher of(String value, boolean ignoreCase) {
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        if (v.equals("*")) {
            return new StringMatcher(Kind.PRESENT, "", ignoreCase, value);
        }
        if (v.endsWith("*")) {
            return new StringMatcher(Kind.PREFIX, v.substring(0, v.length() - 1), ignoreCase, value);
        }
        if (v.startsWith("*")) {
            return new StringMatcher(Kind.SUFFIX, v.substring(1), ignoreCase, value);
        }
        return new StringMatcher(Kind.EXACT, v, ignoreCase, value);
    }

    /** A null value (attribute absent) never matches, not even {@code *}. */
    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        return switch (kind) {
            case EXACT -> v.equals(text);
            case PREFIX -> v.startsWith(text);
            case SUFFIX -> v.endsWith(text);
            case PRESENT -> !v.isEmpty();
        };
    }

    @Override
    public String toString() {
        return source;
    }
}
