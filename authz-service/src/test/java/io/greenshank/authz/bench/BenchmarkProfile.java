package io.greenshank.authz.bench;

import io.greenshank.testing.net.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.Map;

/**
 * The sidecar as deployed, except that the decision log is off (surefire would capture a line per Check) unless
 * {@code -Dbench.decisionLog=true}. {@code -Dbench.separateServer=true} serves gRPC on Quarkus's separate gRPC server
 * (on a port found free just before start) instead of the HTTP server; {@code -Dbench.transport} picks the endpoint.
 */
public class BenchmarkProfile implements QuarkusTestProfile {

    /**
     * Which gRPC endpoint the load goes to: {@code direct} (the dedicated ext_authz port, the default), {@code http}
     * (Quarkus gRPC on the HTTP port) or {@code separate} (Quarkus gRPC on its separate server).
     */
    static final String TRANSPORT = System.getProperty("bench.transport",
            Boolean.getBoolean("bench.separateServer") ? "separate" : "direct");
    static final boolean SEPARATE = TRANSPORT.equals("separate");

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>();
        m.put("greenshank.authz.decision-log.enabled", System.getProperty("bench.decisionLog", "false"));
        m.put("quarkus.log.level", "WARN");
        if (SEPARATE) {
            m.put("quarkus.grpc.server.use-separate-server", "true");
            m.put("quarkus.grpc.server.test-port", Integer.toString(FreePorts.loopback()));
            m.put("quarkus.grpc.server.host", "127.0.0.1");
        }
        return m;
    }
}
