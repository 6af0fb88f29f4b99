package io.greenshank.envoy;

/** RFC 9110 lexical rules the codecs enforce. */
final class HttpTokens {

    private HttpTokens() {
    }

    /** {@code token = 1*tchar}. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** What Envoy refuses in any header value: NUL, CR and LF. */
    // source/common/http/header_utility.cc, HeaderUtility::headerValueIsValid
    static boolean isValidValue(String v) {
        return v.indexOf('\0') < 0 && v.indexOf('\r') < 0 && v.indexOf('\n') < 0;
    }

    static boolean hasUpperCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** Leading and trailing SP / HTAB removed (RFC 9110 5.5, OWS). */
    static String trimmed(String v) {
        int b = 0;
        int e = v.length();
        while (b < e && (v.charAt(b) == ' ' || v.charAt(b) == '\t')) {
            b++;
        }
        while (e > b && (v.charAt(e - 1) == ' ' || v.charAt(e - 1) == '\t')) {
            e--;
        }
        return v.substring(b, e);
    }
}
