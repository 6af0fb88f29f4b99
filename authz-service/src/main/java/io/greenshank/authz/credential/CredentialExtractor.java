package io.greenshank.authz.credential;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the caller's bearer credential: {@code Authorization: Bearer}, then the configured cookie, then the configured
 * headers. Header names are lower-case, as Envoy sends them.
 */
public final class CredentialExtractor {

    private final Optional<String> cookieName;
    private final List<String> headerNames;

    public CredentialExtractor(Optional<String> cookieName, List<String> headerNames) {
        this.cookieName = cookieName.filter(s -> !s.isBlank());
        this.headerNames = headerNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    public Optional<Credential> extract(Map<String, String> headers) {
        String authorization = headers.get("authorization");
        if (authorization != null) {
            String token = bearer(authorization);
            if (token != null) {
                return Optional.of(new Credential(token, "bearer"));
            }
        }
        if (cookieName.isPresent()) {
            String cookies = headers.get("cookie");
            if (cookies != null) {
                String token = cookie(cookies, cookieName.get());
                if (token != null) {
                    return Optional.of(new Credential(token, "cookie:" + cookieName.get()));
                }
            }
        }
        for (String name : headerNames) {
            String v = headers.get(name);
            if (v != null) {
                String token = v.trim();
                String b = bearer(token);
                token = b != null ? b : token;
                if (!token.isEmpty()) {
                    return Optional.of(new Credential(token, "header:" + name));
                }
            }
        }
        return Optional.empty();
    }

    /** The token of a {@code Bearer} authorization value (scheme case-insensitive), or null. */
    static String bearer(String value) {
        int i = 0;
        int n = value.length();
        while (i < n && value.charAt(i) == ' ') {
            i++;
        }
        if (n - i < 7 || !value.regionMatches(true, i, "bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(i + 7).trim();
        return token.isEmpty() ? null : token;
    }

    /** The value of the named cookie; Envoy may merge several Cookie headers with "," or "; ". */
    static String cookie(String header, String name) {
        int start = 0;
        int n = header.length();
        while (start < n) {
            int end = start;
            while (end < n && header.charAt(end) != ';' && header.charAt(end) != ',') {
                end++;
            }
            int eq = header.indexOf('=', start);
            if (eq > 0 && eq < end) {
                String k = header.substring(start, eq).trim();
                if (k.equals(name)) {
                    String v = header.substring(eq + 1, end).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    return v.isEmpty() ? null : v;
                }
            }
            start = end + 1;
        }
        return null;
    }
}
