package io.greenshank.bridge.device;

import io.greenshank.bridge.oidc.SlapdProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bridge over real slapd with the device grant allowed to kubectl, device codes that expire within a test's
 * patience, and HTTPS on a generated pair (the kubectl plugin talks only to an https issuer).
 */
public class DeviceSlapdProfile extends SlapdProfile {
    static final int LIFETIME_SECONDS = 15;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = super.getConfigOverrides();
        m.put("greenshank.bridge.device.code-lifetime", "PT" + LIFETIME_SECONDS + "S");
        m.put("greenshank.bridge.clients.kubectl.grant-types", "password,authorization_code,refresh_token,"
                + DeviceCodeGrant.GRANT_TYPE);
        // the wrong codes these tests enter count per address against the per-user budget (3 in SlapdProfile); how
        // long the backoff lasts then depends on the machine's speed, so give the device tests room
        m.put("greenshank.bridge.throttle.free-failures-per-user", "20");
        m.put("greenshank.bridge.tls.self-signed", "true");
        m.put("greenshank.bridge.tls.self-signed-dir", tlsDir().toString());
        return m;
    }

    /** JVM-wide (a system property), as Quarkus loads this class in more than one class loader. */
    static synchronized Path tlsDir() {
        String dir = System.getProperty("greenshank.test.device-tls");
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("greenshank-device-tls-").toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty("greenshank.test.device-tls", dir);
        }
        return Path.of(dir);
    }
}
