package io.greenshank.authz.decision;

import java.util.ArrayList;
import java.util.List;

/** Paths anonymous callers may reach: exact matches, or prefixes written with a trailing {@code *}. */
public final class PublicPaths {

    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();

    public PublicPaths(List<String> patterns) {
        for (String p : patterns) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (s.endsWith("*")) {
                prefixes.add(s.substring(0, s.length() - 1));
            } else {
                exact.add(s);
            }
        }
    }

    public boolean matches(String path) {
        if (ambiguous(path)) {
            return false;
        }
        for (String e : exact) {
            if (e.equals(path)) {
                return true;
            }
        }
        for (String p : prefixes) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Dot segments, backslashes and escaped dots, slashes or backslashes are refused outright, so that neither
     * {@code /static/../admin} nor {@code /static/.\..\admin} nor {@code /static/.%2f..%2fadmin} can ride on a public
     * prefix to an upstream that resolves them (many treat {@code \} as {@code /}, some decode {@code %2F}).
     */
    private static boolean ambiguous(String path) {
        if (path.contains("/..") || path.contains("/./") || path.indexOf('\\') >= 0) {
            return true;
        }
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            char hi = path.charAt(i + 1);
            char lo = Character.toLowerCase(path.charAt(i + 2));
            if ((hi == '2' && (lo == 'e' || lo == 'f')) || (hi == '5' && lo == 'c')) {
                return true;
            }
        }
        return false;
    }
}
