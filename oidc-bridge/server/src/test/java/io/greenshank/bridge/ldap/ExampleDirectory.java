package io.greenshank.bridge.ldap;

import io.greenshank.testing.ldap.Ldif;
import io.greenshank.testing.ldap.Slapd;
import java.util.List;

/**
 * The directory the bridge's tests log in to, on a real slapd: users (one with an asterisk in its uid, one with a
 * non-ASCII name), nested groups, a group cycle, a ppolicy-locked account, and {@code memberOf} on every member.
 */
public final class ExampleDirectory {

    private static final String PEOPLE = Ldif.person("alice", "Alice Adams", "alice-secret-1")
            + Ldif.person("bob", "Bob Brown", "bob-secret-1")
            + Ldif.person("locked", "Lou Locked", "locked-secret-1", "pwdAccountLockedTime: 000001010000Z")
            + Ldif.person("star*user", "Star User", "star-secret-1")
            + Ldif.person("josé", "José Núñez", "jose-secret-1");

    private static final String GROUPS = Ldif.group("ml-engineers", Ldif.userDn("alice"))
            + Ldif.group("data-science", Ldif.groupDn("ml-engineers"))
            + Ldif.group("all-staff", Ldif.groupDn("data-science"), Ldif.userDn("bob"))
            // A cycle: loop-a contains loop-b contains loop-a; bob is in loop-a.
            + Ldif.group("loop-a", Ldif.userDn("bob"), Ldif.groupDn("loop-b"))
            + Ldif.group("loop-b", Ldif.groupDn("loop-a"));

    private ExampleDirectory() {
    }

    public static Slapd start() throws Exception {
        return start(false);
    }

    /** @param tls also LDAPS and StartTLS, with a certificate whose PEM is {@link Slapd#caFile()} */
    public static Slapd start(boolean tls) throws Exception {
        return Slapd.builder().entries(PEOPLE).groupsWithMemberOf(GROUPS).tls(tls).start();
    }

    /** A started example slapd and a directory over it, closed together. */
    public record Running(Slapd slapd, LdapDirectory directory) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                directory.close();
            } finally {
                slapd.close();
            }
        }
    }

    public static Running open() throws Exception {
        Slapd slapd = start();
        try {
            return new Running(slapd, new LdapDirectory(settings(slapd)));
        } catch (Exception e) {
            slapd.close();
            throw e;
        }
    }

    /** Plain LDAP to {@code slapd}, searching as its root DN. */
    public static LdapSettings settings(Slapd slapd) {
        return LdapSettings.of(Preset.OPENLDAP, List.of(slapd.url()), Slapd.ROOT_DN, Slapd.ROOT_PW, Slapd.PEOPLE,
                Slapd.GROUPS);
    }
}
