package io.greenshank.bridge.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import java.net.InetAddress;
import java.util.List;

/**
 * An in-process demo directory (UnboundID in-memory server on a loopback port), for the dev profile and tests.
 *
 * <p>Users: {@code alice} / {@code alice-password} (groups {@code ml-engineers}, and {@code platform-users} through
 * nesting), {@code bob} / {@code bob-password} ({@code platform-users}), {@code mallory} / {@code mallory-password}
 * (no group: the outsider of the demo story), {@code carol} (locked). Each user's {@code mail} is
 * {@code <login>@example.com}: the one demo identity per person that README's story, authz-service's examples and
 * the KFAM API use (the ID token's {@code email}, Kubeflow's user id).
 */
public final class EmbeddedDirectory implements AutoCloseable {

    public static final String BASE = "dc=greenshank,dc=test";
    public static final String USERS = "ou=people," + BASE;
    public static final String GROUPS = "ou=groups," + BASE;
    public static final String ADMIN_DN = "cn=admin," + BASE;
    /** The demo users' e-mail domain: {@code alice@example.com} is alice everywhere in the dev run. */
    public static final String MAIL_DOMAIN = "example.com";

    private final InMemoryDirectoryServer server;
    private final String adminPassword;

    private EmbeddedDirectory(InMemoryDirectoryServer server, String adminPassword) {
        this.server = server;
        this.adminPassword = adminPassword;
    }

    public static EmbeddedDirectory start() throws LDAPException, LDIFException {
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig(BASE);
        String adminPassword = java.util.UUID.randomUUID().toString();
        cfg.addAdditionalBindCredentials(ADMIN_DN, adminPassword);
        cfg.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("loopback",
                InetAddress.getLoopbackAddress(), 0, null));
        // The in-memory server does not know ppolicy's operational attribute; permit it so carol can be locked.
        cfg.setSchema(null);
        InMemoryDirectoryServer ds = new InMemoryDirectoryServer(cfg);
        ds.add("dn: " + BASE, "objectClass: domain", "dc: greenshank");
        ds.add("dn: " + USERS, "objectClass: organizationalUnit", "ou: people");
        ds.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
        person(ds, "alice", "Alice Adams", "alice-password", false);
        person(ds, "bob", "Bob Brown", "bob-password", false);
        person(ds, "mallory", "Mallory Moore", "mallory-password", false);
        person(ds, "carol", "Carol Clark", "carol-password", true);
        ds.add("dn: cn=ml-engineers," + GROUPS, "objectClass: groupOfNames", "cn: ml-engineers",
                "member: uid=alice," + USERS);
        ds.add("dn: cn=platform-users," + GROUPS, "objectClass: groupOfNames", "cn: platform-users",
                "member: cn=ml-engineers," + GROUPS, "member: uid=bob," + USERS);
        ds.startListening();
        return new EmbeddedDirectory(ds, adminPassword);
    }

    private static void person(InMemoryDirectoryServer ds, String uid, String cn, String password, boolean locked)
            throws LDAPException, LDIFException {
        List<String> lines = new java.util.ArrayList<>(List.of("dn: uid=" + uid + "," + USERS,
                "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + cn, "sn: " + cn.split(" ")[1],
                "mail: " + uid + "@" + MAIL_DOMAIN, "userPassword: " + password));
        if (locked) {
            lines.add("pwdAccountLockedTime: 000001010000Z");
        }
        ds.add(lines.toArray(String[]::new));
    }

    public InMemoryDirectoryServer server() {
        return server;
    }

    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    /** Settings for the OpenLDAP preset pointed at this server. */
    public LdapSettings settings() {
        return LdapSettings.of(Preset.OPENLDAP, List.of(url()), ADMIN_DN, adminPassword, USERS, GROUPS);
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
