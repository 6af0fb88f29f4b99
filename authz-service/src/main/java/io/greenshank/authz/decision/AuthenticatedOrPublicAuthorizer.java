package io.greenshank.authz.decision;

import io.greenshank.identity.Identity;

import java.util.Optional;

/**
 * The default authorization stage, and the authentication baseline of the policy engine: any authenticated caller
 * passes; anonymous callers reach public paths only, and elsewhere a credential is required (401).
 */
public final class AuthenticatedOrPublicAuthorizer implements Authorizer {

    public static final String POLICY = "default/authenticated-or-public";

    private final PublicPaths publicPaths;

    public AuthenticatedOrPublicAuthorizer(PublicPaths publicPaths) {
        this.publicPaths = publicPaths;
    }

    @Override
    public AuthorizationResult authorize(CheckAttributes request, Optional<Identity> identity) {
        if (identity.isPresent()) {
            return AuthorizationResult.allow("authenticated", POLICY);
        }
        if (publicPaths.matches(request.path())) {
            return AuthorizationResult.allow("public_path", POLICY);
        }
        return AuthorizationResult.credentialRequired("no_credentials", POLICY);
    }
}
