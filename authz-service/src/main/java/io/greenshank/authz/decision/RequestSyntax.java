package io.greenshank.authz.decision;

/**
 * What Envoy's HTTP codecs let through to ext_authz, checked again here so that a request Envoy would have answered
 * with 400 is never judged (and so never allowed) when it reaches us by another way: a client speaking the ext_authz
 * protocols directly, a proxy configured differently, a bug. Allocation-free: it runs on every Check.
 */
public final class RequestSyntax {

    private RequestSyntax() {
    }

    /**
     * An HTTP method as Envoy forwards one: a non-empty RFC 9110 token without lower-case letters ({@code GET},
     * {@code PROPFIND}, {@code M-SEARCH}); not {@code get}, {@code GE T}, empty, or with control characters.
     */
    public static boolean isMethod(String m) {
        if (m == null || m.isEmpty()) {
            return false;
        }
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if ((c >= 'a' && c <= 'z') || !isTchar(c)) {
                return false;
            }
        }
        return true;
    }

    /** A header name: a token, or an HTTP/2 pseudo-header ({@code :authority}), as Envoy includes them in a Check. */
    public static boolean isHeaderName(String n) {
        if (n == null || n.isEmpty()) {
            return false;
        }
        int start = n.charAt(0) == ':' ? 1 : 0;
        if (start == n.length()) {
            return false;
        }
        for (int i = start; i < n.length(); i++) {
            if (!isTchar(n.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A header value Envoy's codecs accept: no NUL, CR or LF (Envoy's {@code HeaderUtility::headerValueIsValid},
     * nghttp2's {@code nghttp2_check_header_value}). Other control characters pass Envoy and are judged like any
     * other byte (and are never copied into an identity header: those are always set from the token).
     */
    public static boolean isHeaderValue(String v) {
        return v.indexOf('\n') < 0 && v.indexOf('\r') < 0 && v.indexOf('\0') < 0;
    }

    /** RFC 9110 {@code tchar}. */
    static boolean isTchar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
