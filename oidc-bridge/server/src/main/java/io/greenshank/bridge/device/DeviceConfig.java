package io.greenshank.bridge.device;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code greenshank.bridge.device.*}: the device authorization grant (RFC 8628). */
@ConfigMapping(prefix = "greenshank.bridge.device")
public interface DeviceConfig {

    /** How long a device code and its user code stay usable ({@code expires_in}). */
    @WithDefault("PT10M")
    Duration codeLifetime();

    /** The polling interval handed to clients ({@code interval}); {@code slow_down} adds 5 s to it. */
    @WithDefault("PT5S")
    Duration pollInterval();
}
