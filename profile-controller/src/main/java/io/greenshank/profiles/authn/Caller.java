package io.greenshank.profiles.authn;

import io.greenshank.identity.Identity;
import io.greenshank.identity.SpiffeId;

/** Who is calling the sharing API: a person (acting for themselves), or a trusted delegate acting for a named user. */
public sealed interface Caller {

    /** A user authenticated by token or mesh header; today's rules apply to them. */
    record Person(Identity identity) implements Caller {
    }

    /**
     * A configured workload (the central dashboard) whose mTLS identity the sidecar vouched for, sending no user of its
     * own: it may read, and create a profile for the owner the request names, never change anything else.
     */
    record Delegate(SpiffeId peer) implements Caller {
    }
}
