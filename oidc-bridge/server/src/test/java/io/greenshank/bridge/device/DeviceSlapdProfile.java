package io.greenshank.bridge.device;

import io.greenshank.bridge.oidc.SlapdProfile;
import java.util.Map;

/** The bridge over real slapd with device codes that expire within a test's patience. */
public class DeviceSlapdProfile extends SlapdProfile {
    static final int LIFETIME_SECONDS = 15;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = super.getConfigOverrides();
        m.put("greenshank.bridge.device.code-lifetime", "PT" + LIFETIME_SECONDS + "S");
        return m;
    }
}
