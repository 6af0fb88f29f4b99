package io.greenshank.profiles.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once every informer has listed; reports whether this replica leads. */
@Readiness
@ApplicationScoped
public class ProfilesHealth implements HealthCheck {

    @Inject
    ProfilesRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        // Token keys are reported, not required: the mesh-header path and the controller work without them, and a
        // token whose issuer keys are missing is refused (keys_unavailable) rather than accepted.
        var builder = HealthCheckResponse.named("profile-controller");
        runtime.jwtKeysReady().ifPresent(ready -> builder.withData("jwtKeysReady", ready));
        runtime.jwtKeyStatus().forEach((issuer, status) -> builder.withData("jwtKeys " + issuer, status));
        return builder
                .status(runtime.cacheSynced())
                .withData("leader", runtime.election().map(e -> e.isLeader()).orElse(runtime.controller().isPresent()))
                .withData("queueDepth", runtime.controller().map(c -> (long) c.queue().depth()).orElse(0L))
                .build();
    }
}
