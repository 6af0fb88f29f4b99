package io.greenshank.authz.jwt;

import io.greenshank.identity.jwt.JwksCache;
import io.greenshank.identity.jwt.JwtVerifier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Ready only when at least one issuer is configured and every issuer's keys are loaded and fresh enough. */
@Readiness
@ApplicationScoped
public class KeysReadiness implements HealthCheck {

    @Inject
    JwtVerifier verifier;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("issuer-keys");
        if (verifier.issuers().isEmpty()) {
            return b.down().withData("error", "no trusted issuers configured (greenshank.authz.issuers.*)").build();
        }
        boolean up = true;
        for (JwksCache c : verifier.keySets()) {
            boolean ready = c.ready();
            up &= ready;
            b.withData(c.issuer(), ready ? "ready" : "not ready: " + c.lastError().orElse("keys too stale"));
        }
        return b.status(up).build();
    }
}
