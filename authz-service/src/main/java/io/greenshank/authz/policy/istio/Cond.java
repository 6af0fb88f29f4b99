package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.PolicyRequest;

/** One compiled check of a rule: a field of a source or operation, or a {@code when} condition. */
public interface Cond {

    boolean test(PolicyRequest request);

    /** The condition as written in the policy, e.g. {@code source.principals: [a, b]}. */
    String describe();

    /** The request's value for this condition, for explanations. */
    String actual(PolicyRequest request);
}
