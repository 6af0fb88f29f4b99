package io.greenshank.envoy;

import java.util.Objects;

/** What the model needs of one Envoy listener: its connection manager and its ext_authz filter. */
public record EnvoyConfig(ConnectionManagerConfig connectionManager, ExtAuthzConfig extAuthz) {

    public EnvoyConfig {
        Objects.requireNonNull(connectionManager, "connectionManager");
        Objects.requireNonNull(extAuthz, "extAuthz");
    }

    public static EnvoyConfig of(ConnectionManagerConfig connectionManager, ExtAuthzConfig extAuthz) {
        return new EnvoyConfig(connectionManager, extAuthz);
    }
}
