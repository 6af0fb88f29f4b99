package io.greenshank.e2e;

import io.greenshank.testing.ldap.Ldif;
import io.greenshank.testing.ldap.Slapd;
import java.nio.file.Path;

/**
 * The directory of the product scenario, on a real slapd: alice (ml-engineers ⊂ data-science) and bob
 * (data-science).
 */
public final class ScenarioDirectory {

    public static final String ALICE_PASSWORD = "alice-e2e-secret-1";
    public static final String BOB_PASSWORD = "bob-e2e-secret-1";

    private ScenarioDirectory() {
    }

    /** slapd with its config, data and log in {@code dir}, which stays for the logs after the run. */
    static Slapd start(Path dir) throws Exception {
        return builder(dir).start();
    }

    /** The same directory, to add options such as LDAPS before starting it. */
    public static Slapd.Builder builder(Path dir) {
        return Slapd.builder().directory(dir).entries(Ldif.person("alice", "Alice Adams", ALICE_PASSWORD)
                + Ldif.person("bob", "Bob Brown", BOB_PASSWORD)
                + Ldif.group("ml-engineers", Ldif.userDn("alice"))
                + Ldif.group("data-science", Ldif.groupDn("ml-engineers"), Ldif.userDn("bob")));
    }
}
