package io.greenshank.authz.policy;

/** An AuthorizationPolicy's action. Evaluation order is CUSTOM, DENY, ALLOW; AUDIT never changes a decision. */
public enum Action {
    ALLOW, DENY, AUDIT, CUSTOM
}
