package io.greenshank.bridge.keys;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when a key signs now. A directory outage is deliberately not a readiness input: with LDAP down every replica
 * would leave the Service and clients would get connection errors instead of {@code temporarily_unavailable}; a
 * directory misconfiguration is ({@link io.greenshank.bridge.ldap.DirectorySelfCheck}).
 */
@Readiness
@ApplicationScoped
public class SigningKeysHealthCheck implements HealthCheck {

    private final KeyManager keys;

    public SigningKeysHealthCheck(KeyManager keys) {
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            return HealthCheckResponse.named("signing-keys").up()
                    .withData("kid", keys.signer().kid())
                    .withData("published", keys.publicKeys().getKeys().size())
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("signing-keys").down().withData("reason", e.getMessage()).build();
        }
    }
}
