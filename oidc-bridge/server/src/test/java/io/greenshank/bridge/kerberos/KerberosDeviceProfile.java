package io.greenshank.bridge.kerberos;

import io.greenshank.bridge.device.DeviceCodeGrant;
import java.util.HashMap;
import java.util.Map;

/** The real MIT realm's bridge with the device grant allowed to kubectl. */
public class KerberosDeviceProfile extends KerberosTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>(super.getConfigOverrides());
        m.put("greenshank.bridge.clients.kubectl.grant-types", "password,refresh_token," + DeviceCodeGrant.GRANT_TYPE);
        return m;
    }
}
