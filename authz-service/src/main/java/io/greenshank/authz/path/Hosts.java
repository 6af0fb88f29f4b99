package io.greenshank.authz.path;

import java.util.Locale;

/** Host ({@code :authority}) handling shared by policy matching and the route table. */
public final class Hosts {

    private Hosts() {
    }

    /** Hosts compare case-insensitively; the port, if sent, stays part of the value, as Envoy sees it. */
    public static String normalize(String authority) {
        return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
    }

    /** The host without a trailing {@code :port} (IPv6 literals in brackets keep their colons). */
    public static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.indexOf(']') > colon) {
            return host;
        }
        for (int i = colon + 1; i < host.length(); i++) {
            if (!Character.isDigit(host.charAt(i))) {
                return host;
            }
        }
        return host.substring(0, colon);
    }
}
