package io.greenshank.authz.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

/** {@code /dev/token} mints for callers on this machine only, whatever address the dev run listens on. */
class DevTokenCallerTest {

    @Test
    void loopback_peers_only() {
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.inetSocketAddress(50000, "127.0.0.1"))).isTrue();
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.inetSocketAddress(50000, "127.8.9.10"))).isTrue();
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.inetSocketAddress(50000, "::1"))).isTrue();
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.inetSocketAddress(50000, "10.1.2.3"))).isFalse();
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.inetSocketAddress(50000, "192.0.2.7"))).isFalse();
        assertThat(DevTokenResource.fromThisMachine(SocketAddress.domainSocketAddress("/tmp/s"))).isFalse();
        assertThat(DevTokenResource.fromThisMachine(null)).isFalse();
    }
}
