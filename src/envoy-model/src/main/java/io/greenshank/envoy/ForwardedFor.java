package io.greenshank.envoy;

import java.util.Optional;

/** Reading the client address out of {@code x-forwarded-for}. */
final class ForwardedFor {

    private ForwardedFor() {
    }

    /**
     * @param address       the address found, if the element is an IP literal
     * @param singleAddress whether XFF held exactly that one address (and nothing was skipped)
     */
    record LastAddress(Optional<String> address, boolean singleAddress) {
    }

    /**
     * Skips the last {@code numToSkip} comma-separated elements and parses the one before them, trimmed; anything
     * that is not an IP literal yields no address.
     */
    // source/common/http/utility.cc, Utility::getLastAddressFromXFF
    static LastAddress lastAddress(EnvoyHeaderMap headers, int numToSkip) {
        if (!headers.has("x-forwarded-for")) {
            return new LastAddress(Optional.empty(), false);
        }
        String xff = headers.value("x-forwarded-for");
        for (int i = 0; i < numToSkip; i++) {
            int comma = xff.lastIndexOf(',');
            if (comma < 0) {
                return new LastAddress(Optional.empty(), false);
            }
            xff = xff.substring(0, comma);
        }
        int comma = xff.lastIndexOf(',');
        if (comma >= 0 && comma + 1 < xff.length()) {
            xff = xff.substring(comma + 1);
        }
        Optional<String> address = Address.parseIp(HttpTokens.trimmed(xff));
        return new LastAddress(address, address.isPresent() && comma < 0 && numToSkip == 0);
    }
}
