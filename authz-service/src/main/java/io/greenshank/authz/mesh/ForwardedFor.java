package io.greenshank.authz.mesh;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The trusted client address in {@code x-forwarded-for}, read the way Envoy reads it: from the right, skipping the
 * entries written by trusted hops, never from the left (which the client writes). Follows envoyproxy/envoy
 * {@code source/common/http/utility.cc}, {@code Utility::getLastAddressFromXFF}: drop {@code skip} comma-separated
 * entries from the right end; the text after the last remaining comma (or the whole remainder when there is none) is
 * the address; surrounding whitespace is ignored; anything that is not an IPv4 or IPv6 literal (a port, brackets, a
 * host name, an empty entry) is no address at all. Repeated headers arrive joined by {@code ,}, which is the same
 * list.
 *
 * <p>Allocation-free apart from the returned substring, and bounded by {@code skip} scans from the right: a header of
 * any length costs no more than its last {@code skip + 1} entries.
 */
public final class ForwardedFor {

    /** Longest IPv6 literal text (with an embedded IPv4 tail); anything longer is not an address. */
    private static final int MAX_LITERAL = 45;

    private ForwardedFor() {
    }

    /**
     * The address {@code skip} entries from the right end of {@code xff} (0: the last entry), or null when the list
     * is too short or that entry is not an IP literal.
     */
    public static String entryFromRight(String xff, int skip) {
        if (xff == null || skip < 0) {
            return null;
        }
        int end = xff.length();
        for (int i = 0; i < skip; i++) {
            int comma = end == 0 ? -1 : xff.lastIndexOf(',', end - 1);
            if (comma < 0) {
                return null;
            }
            end = comma;
        }
        int comma = end == 0 ? -1 : xff.lastIndexOf(',', end - 1);
        // Envoy takes the text after the last comma only when there is some; "a," keeps "a," and fails to parse
        int start = comma >= 0 && comma + 1 < end ? comma + 1 : 0;
        while (start < end && isSpace(xff.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(xff.charAt(end - 1))) {
            end--;
        }
        if (end - start > MAX_LITERAL || end == start) {
            return null;
        }
        String entry = xff.substring(start, end);
        return isIpLiteral(entry) ? entry : null;
    }

    /**
     * An IPv4 dotted quad without leading zeros, or an IPv6 literal without brackets, port or zone: what
     * {@code inet_pton} accepts, which is what Envoy parses addresses with. Never touches DNS.
     */
    public static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LITERAL) {
            return false;
        }
        if (s.indexOf(':') < 0) {
            return isIpv4(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
        }
        try {
            // a literal with ':' is parsed as IPv6 text, never looked up
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpv4(String s) {
        int parts = 0;
        int i = 0;
        while (i <= s.length()) {
            int start = i;
            int value = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return false;
                }
            }
            int len = i - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (i == s.length()) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return false;
            }
            i++;
        }
        return parts == 4;
    }

    /** What Envoy's {@code StringUtil::ltrim} / {@code rtrim} drop. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == 0x0b || c == '\n' || c == '\r';
    }
}
