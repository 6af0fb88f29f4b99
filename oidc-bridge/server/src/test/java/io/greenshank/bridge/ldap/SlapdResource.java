package io.greenshank.bridge.ldap;

import io.greenshank.testing.ldap.Slapd;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a real slapd before the bridge and points the bridge's directory at it. */
public class SlapdResource implements QuarkusTestResourceLifecycleManager {

    /** The running slapd, for tests that stop and restart it. */
    public static volatile Slapd slapd;

    @Override
    public Map<String, String> start() {
        try {
            slapd = ExampleDirectory.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.ofEntries(
                Map.entry("greenshank.bridge.ldap.embedded", "false"),
                Map.entry("greenshank.bridge.ldap.urls", slapd.url()),
                Map.entry("greenshank.bridge.ldap.allow-plain", "true"),
                Map.entry("greenshank.bridge.ldap.bind-dn", Slapd.ROOT_DN),
                Map.entry("greenshank.bridge.ldap.bind-password", Slapd.ROOT_PW),
                Map.entry("greenshank.bridge.ldap.user-base-dn", Slapd.PEOPLE),
                Map.entry("greenshank.bridge.ldap.group-base-dn", Slapd.GROUPS),
                Map.entry("greenshank.bridge.ldap.connect-timeout", "PT1S"),
                Map.entry("greenshank.bridge.ldap.response-timeout", "PT2S"));
    }

    @Override
    public void stop() {
        try {
            if (slapd != null) {
                slapd.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
