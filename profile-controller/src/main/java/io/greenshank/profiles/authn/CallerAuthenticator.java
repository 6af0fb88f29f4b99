package io.greenshank.profiles.authn;

import io.greenshank.identity.Identity;

/** Turns a request into the caller's identity, or refuses it. */
public interface CallerAuthenticator {

    /**
     * @throws AuthenticationException when the request carries no acceptable credential
     */
    Identity authenticate(CallerRequest request);
}
