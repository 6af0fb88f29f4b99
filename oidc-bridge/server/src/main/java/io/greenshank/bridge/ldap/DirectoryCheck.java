package io.greenshank.bridge.ldap;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one directory self-check.
 *
 * @param state  ready, misconfigured (an administrator must act) or unreachable (an outage; logins retry)
 * @param reason what was found, and for a misconfiguration what to fix; empty when ready
 * @param at     when the check ran
 */
public record DirectoryCheck(State state, String reason, Instant at) {

    public enum State { READY, MISCONFIGURED, UNREACHABLE }

    public DirectoryCheck {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
