package io.greenshank.authz.policy;

/**
 * A policy document that could not be used, and what was done instead.
 *
 * @param source     where it came from (file path and document index, or {@code kubernetes})
 * @param kind       its kind, if readable
 * @param policy     {@code namespace/name}, if readable
 * @param reason     why it was rejected
 * @param stance     how it is enforced instead ({@code deny-scope}, {@code allow-nothing}, {@code grants-nothing},
 *                   {@code ignored})
 */
public record PolicyRejection(String source, String kind, String policy, String reason, String stance) {

    @Override
    public String toString() {
        return kind + " " + policy + " from " + source + " rejected (" + reason + "); enforced as " + stance;
    }
}
