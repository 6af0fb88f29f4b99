package io.greenshank.authz.policy.match;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A single address or a CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), as Istio's {@code ipBlocks} take. */
public record IpBlock(byte[] network, int prefixLength, String source) {

    public static IpBlock parse(String value) {
        String v = value.trim();
        int slash = v.indexOf('/');
        String addr = slash >= 0 ? v.substring(0, slash) : v;
        byte[] bytes = parseLiteral(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block: '" + value + "'");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(v.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CIDR prefix length in '" + value + "'");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("bad CIDR prefix length in '" + value + "'");
            }
        }
        return new IpBlock(bytes, prefix, value);
    }

    /** Parses an IP literal without ever touching DNS; null when the text is not one. */
    public static byte[] parseLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3) {
                    return null;
                }
                int n = 0;
                for (int j = 0; j < p.length(); j++) {
                    char c = p.charAt(j);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    n = n * 10 + (c - '0');
                }
                if (n > 255) {
                    return null;
                }
                b[i] = (byte) n;
            }
            return b;
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            // A literal containing ':' is never resolved through DNS.
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return source;
    }
}
