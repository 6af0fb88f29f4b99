package io.greenshank.envoy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/** An IP socket address: a literal IPv4 or IPv6 address and a port. */
public record Address(String ip, int port) {

    public Address {
        Objects.requireNonNull(ip, "ip");
        if (literal(ip).isEmpty()) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        ip = literal(ip).get().getHostAddress().replaceAll("%.*$", "");
        if (ip.contains(":")) {
            ip = compressed(ip);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code "203.0.113.7:51000"} or {@code "[2001:db8::1]:443"}. */
    public static Address parse(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return new Address(hostPort.substring(1, close), Integer.parseInt(hostPort.substring(close + 2)));
        }
        int colon = hostPort.lastIndexOf(':');
        return new Address(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /**
     * The address in an {@code x-forwarded-for} element, if it is one: Envoy accepts an IP literal only (no port, no
     * brackets), after trimming spaces.
     */
    // source/common/network/utility.cc, Utility::parseInternetAddressNoThrow (as called by getLastAddressFromXFF)
    static Optional<String> parseIp(String text) {
        if (text.isEmpty() || text.startsWith("[") || (text.indexOf(':') < 0 && !text.matches("[0-9.]+"))) {
            return Optional.empty();
        }
        return literal(text).map(a -> {
            String s = a.getHostAddress().replaceAll("%.*$", "");
            return s.contains(":") ? compressed(s) : s;
        });
    }

    boolean isLoopback() {
        return literal(ip).orElseThrow().isLoopbackAddress();
    }

    /**
     * Envoy's historical default for "internal": RFC 1918, loopback, and IPv6 unique-local addresses. Newer Envoy
     * asks for an explicit {@code internal_address_config}; this model keeps the historical default.
     */
    // source/common/network/utility.cc, Utility::isInternalAddress
    boolean isInternal() {
        InetAddress a = literal(ip).orElseThrow();
        if (a.isLoopbackAddress() || a.isSiteLocalAddress()) {
            return true;
        }
        if (a instanceof Inet6Address) {
            return (a.getAddress()[0] & 0xFE) == 0xFC;
        }
        return false;
    }

    @Override
    public String toString() {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    private static Optional<InetAddress> literal(String text) {
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (v4 && !(a instanceof Inet4Address)) {
                return Optional.empty();
            }
            return Optional.of(a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** RFC 5952 short form, as Envoy prints IPv6 addresses. */
    private static String compressed(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return head + "::" + tail;
    }
}
