package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fast checks of each group strategy and the nesting bound, on UnboundID's in-memory directory. */
class InMemoryGroupStrategiesTest {

    static final String BASE = "dc=mem,dc=test";
    static final String PEOPLE = "ou=people," + BASE;
    static final String GROUPS = "ou=groups," + BASE;
    static InMemoryDirectoryServer ds;

    @BeforeAll
    static void start() throws Exception {
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig(BASE);
        cfg.addAdditionalBindCredentials("cn=svc," + BASE, "svc-pw");
        cfg.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("l", InetAddress.getLoopbackAddress(), 0, null));
        cfg.setSchema(null);
        ds = new InMemoryDirectoryServer(cfg);
        ds.add("dn: " + BASE, "objectClass: domain", "dc: mem");
        ds.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
        ds.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
        ds.add("dn: uid=ann," + PEOPLE, "objectClass: inetOrgPerson", "uid: ann", "cn: Ann", "sn: A",
                "userPassword: ann-pw", "memberOf: cn=g1," + GROUPS);
        ds.add("dn: cn=g1," + GROUPS, "objectClass: groupOfNames", "objectClass: groupOfUniqueNames", "cn: g1",
                "member: uid=ann," + PEOPLE, "uniqueMember: uid=ann," + PEOPLE);
        ds.add("dn: cn=g2," + GROUPS, "objectClass: groupOfNames", "objectClass: groupOfUniqueNames", "cn: g2",
                "member: cn=g1," + GROUPS, "uniqueMember: cn=g1," + GROUPS);
        ds.add("dn: cn=g3," + GROUPS, "objectClass: groupOfNames", "cn: g3", "member: cn=g2," + GROUPS);
        ds.add("dn: cn=posix-devs," + GROUPS, "objectClass: posixGroup", "cn: posix-devs", "gidNumber: 5000",
                "memberUid: ann");
        ds.startListening();
    }

    @AfterAll
    static void stop() {
        ds.shutDown(true);
    }

    static LdapSettings settings(GroupStrategy strategy) {
        return LdapSettings.of(Preset.OPENLDAP, List.of("ldap://127.0.0.1:" + ds.getListenPort()), "cn=svc," + BASE,
                "svc-pw", PEOPLE, GROUPS).withGroupStrategy(strategy);
    }

    static List<String> groups(LdapSettings s) throws Exception {
        try (LdapDirectory d = new LdapDirectory(s)) {
            return d.authenticate("ann", "ann-pw").groups();
        }
    }

    @Test
    void memberWithNesting() throws Exception {
        assertThat(groups(settings(GroupStrategy.MEMBER))).containsExactlyInAnyOrder("g1", "g2", "g3");
    }

    @Test
    void uniqueMember() throws Exception {
        assertThat(groups(settings(GroupStrategy.UNIQUE_MEMBER))).containsExactlyInAnyOrder("g1", "g2");
    }

    @Test
    void memberOfThenNesting() throws Exception {
        assertThat(groups(settings(GroupStrategy.MEMBER_OF))).containsExactlyInAnyOrder("g1", "g2", "g3");
    }

    @Test
    void memberUid() throws Exception {
        LdapSettings s = settings(GroupStrategy.MEMBER_UID);
        LdapSettings posix = new LdapSettings(s.urls(), false, true, s.caFile(), s.bindDn(), s.bindPassword(),
                s.connectTimeout(), s.responseTimeout(), 2, PEOPLE, s.userFilter(), s.loginAttributes(),
                s.subjectAttribute(), s.usernameAttribute(), s.emailAttribute(), s.nameAttribute(), GROUPS,
                GroupStrategy.MEMBER_UID, "(objectClass=posixGroup)", "cn", 8, false, Duration.ZERO);
        assertThat(groups(posix)).containsExactly("posix-devs");
    }

    @Test
    void nestingDepthIsBounded() throws Exception {
        LdapSettings s = settings(GroupStrategy.MEMBER);
        LdapSettings shallow = new LdapSettings(s.urls(), false, true, s.caFile(), s.bindDn(), s.bindPassword(),
                s.connectTimeout(), s.responseTimeout(), 2, PEOPLE, s.userFilter(), s.loginAttributes(),
                s.subjectAttribute(), s.usernameAttribute(), s.emailAttribute(), s.nameAttribute(), GROUPS,
                GroupStrategy.MEMBER, s.groupFilter(), "cn", 1, false, Duration.ZERO);
        assertThat(groups(shallow)).containsExactlyInAnyOrder("g1", "g2");
    }

    @Test
    void objectGuidIsRenderedInAdByteOrder() {
        byte[] guid = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, (byte) 0x88, (byte) 0x99, (byte) 0xaa,
                (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff};
        assertThat(LdapDirectory.objectGuidToString(guid)).isEqualTo("00112233-4455-6677-8899-aabbccddeeff");
    }

    @Test
    void adBindDiagnosticsMapToReasons() {
        assertThat(LdapDirectory.adBindReason("80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext "
                + "error, data 775, v3839")).isEqualTo(LoginFailedException.Reason.ACCOUNT_LOCKED);
        assertThat(LdapDirectory.adBindReason("... data 533, v893")).isEqualTo(
                LoginFailedException.Reason.ACCOUNT_DISABLED);
        assertThat(LdapDirectory.adBindReason("... data 52e, v893")).isEqualTo(
                LoginFailedException.Reason.BAD_CREDENTIALS);
    }
}
