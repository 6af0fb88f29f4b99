package io.greenshank.authz.decision;

import io.greenshank.identity.Identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict on one Check, ready to be written in either ext_authz protocol.
 *
 * @param status           HTTP status for the client on deny (200 on allow)
 * @param denial           which kind of refusal it is ({@link Denial#NONE} on allow): what the decision log's
 *                         {@code denial} field and explain say
 * @param reason           short machine-readable reason (metric tag, decision log, {@code x-greenshank-reason})
 * @param upstreamSet      headers to set on the upstream request, overwriting any existing value (allow only)
 * @param upstreamRemove   headers to strip from the upstream request (allow only)
 * @param clientHeaders    headers for the client's deny response ({@code WWW-Authenticate}, {@code Location})
 */
public record Decision(Outcome outcome, int status, Denial denial, String reason, Optional<Identity> identity,
                       String policy, Map<String, String> upstreamSet, List<String> upstreamRemove,
                       Map<String, String> clientHeaders, String body) {

    public enum Outcome {
        ALLOW, DENY, ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Why a request was refused, independent of the reason code: the answer to "should the caller log in, or ask for
     * access?". Tags appear as {@code "denial"} in the decision log and in explain output.
     */
    public enum Denial {
        /** Allowed. */
        NONE(""),
        /** No user credential where one is required: 401 (or 302 to the login URL). */
        CREDENTIAL_REQUIRED("credential_required"),
        /** A credential was presented and refused (bad, expired or unusable token): 401 (or 302). */
        CREDENTIAL_INVALID("credential_invalid"),
        /** Judged and refused by policy (Istio policy, legacy RBAC, Kubernetes RBAC): 403. */
        POLICY("policy"),
        /** Not judged at all: malformed method, path, headers or protocol framing: 400. */
        BAD_REQUEST("bad_request"),
        /** The decision could not be made (internal error, timeout, keys unavailable): the configured error status. */
        ERROR("error");

        private final String tag;

        Denial(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}
