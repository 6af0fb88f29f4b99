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

    /** Dot segments are refused outright so {@code /static/../admin} cannot ride on a public prefix. */
    public boolean matches(String path) {
        if (path.contains("/..") || path.contains("/./") || path.contains("%2e") || path.contains("%2E")) {
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
}
