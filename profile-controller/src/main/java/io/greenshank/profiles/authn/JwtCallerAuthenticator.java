package io.greenshank.profiles.authn;

import io.greenshank.identity.Identity;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.TokenRejectedException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/** Authenticates {@code Authorization: Bearer <jwt>} with Greenshank's shared verifier. */
public final class JwtCallerAuthenticator implements CallerAuthenticator {

    private final JwtVerifier verifier;
    private final MeterRegistry registry;

    public JwtCallerAuthenticator(JwtVerifier verifier, MeterRegistry registry) {
        this.verifier = verifier;
        this.registry = registry;
    }

    @Override
    public Identity authenticate(CallerRequest request) {
        String authorization = request.header("authorization").orElse("");
        if (!authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            throw new AuthenticationException("no bearer token");
        }
        String token = authorization.substring("bearer ".length()).trim();
        try {
            Identity id = verifier.authenticate(token);
            registry.counter("greenshank.profiles.authn", "method", "jwt", "result", "ok").increment();
            return id;
        } catch (TokenRejectedException e) {
            registry.counter("greenshank.profiles.authn", "method", "jwt", "result", e.reason().code()).increment();
            // The description is safe to return; the detail (issuer, kid) is for the log only.
            throw new AuthenticationException("bearer token rejected: " + e.reason().code() + " ("
                    + e.reason().description() + ")");
        }
    }
}
