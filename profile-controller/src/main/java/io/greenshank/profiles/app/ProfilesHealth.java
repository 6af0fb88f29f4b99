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
        return HealthCheckResponse.named("profile-controller")
                .status(runtime.cacheSynced())
                .withData("leader", runtime.election().map(e -> e.isLeader()).orElse(runtime.controller().isPresent()))
                .withData("queueDepth", runtime.controller().map(c -> (long) c.queue().depth()).orElse(0L))
                .build();
    }
}
