package io.greenshank.bridge.device;

import io.greenshank.bridge.session.SessionStores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the CDI-free {@link DeviceCodes} into a bean over the configured session store. */
@ApplicationScoped
public class DeviceBeans {

    @Produces
    @Singleton
    DeviceCodes deviceCodes(SessionStores stores, DeviceConfig cfg, Clock clock) {
        return new DeviceCodes(stores.openWatched(DeviceCodes.KIND), cfg.codeLifetime(), cfg.pollInterval(), clock);
    }
}
