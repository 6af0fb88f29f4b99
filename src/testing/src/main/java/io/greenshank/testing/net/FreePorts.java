package io.greenshank.testing.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports: other suites run on this machine at the same time, so no test uses a fixed port. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on right now; the caller binds it soon after (a race the callers retry or accept). */
    public static int loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
