package io.greenshank.authz.decision;

import io.greenshank.identity.Identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict on one Check, ready to be written in either ext_authz protocol.
 *
 * @param status           HTTP status for the client on deny (200 on allow)
 * @param reason           short machine-readable reason (metric tag, decision log, {@code x-greenshank-reason})
 * @param upstreamSet      headers to set on the upstream request, overwriting any existing value (allow only)
 * @param upstreamRemove   headers to strip from the upstream request (allow only)
 * @param clientHeaders    headers for the client's deny response ({@code WWW-Authenticate}, {@code Location})
 */
public record Decision(Outcome outcome, int status, String reason, Optional<Identity> identity, String policy,
                       Map<String, String> upstreamSet, List<String> upstreamRemove,
                       Map<String, String> clientHeaders, String body) {

    public enum Outcome {
        ALLOW, DENY, ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}
