package io.greenshank.bridge.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.Control;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The primary group's SID arithmetic and its name cache. Against Samba AD the whole path is tested in
 * {@link SambaAdDirectoryTest}; here an in-memory directory lets the test remove the group to see the cache.
 */
class PrimaryGroupsTest {

    /** S-1-5-21-1-2-3-1105 (a user), binary as AD stores it (MS-DTYP 2.4.2). */
    static final byte[] USER_SID = HexFormat.of().parseHex("010500000000000515000000010000000200000003000000"
            + "51040000");
    /** S-1-5-21-1-2-3-513 (Domain Users). */
    static final byte[] DOMAIN_USERS_SID = HexFormat.of().parseHex("010500000000000515000000010000000200000003000000"
            + "01020000");

    @Test
    void theGroupSidIsTheUserSidWithThePrimaryGroupRid() {
        assertThat(PrimaryGroups.groupSid(USER_SID, "513")).get().isEqualTo(DOMAIN_USERS_SID);
        assertThat(PrimaryGroups.groupSid(USER_SID, "not-a-number")).isEmpty();
        assertThat(PrimaryGroups.groupSid(USER_SID, "0")).isEmpty();
        assertThat(PrimaryGroups.groupSid(USER_SID, null)).isEmpty();
        assertThat(PrimaryGroups.groupSid(new byte[] {1, 5, 0}, "513")).isEmpty();
        // A sub-authority count that does not match the length is refused, not read past.
        byte[] lying = USER_SID.clone();
        lying[1] = 9;
        assertThat(PrimaryGroups.groupSid(lying, "513")).isEmpty();
    }

    @Test
    void aNameIsSearchedOnceAndReusedUntilItsTtl() throws Exception {
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig("dc=ad,dc=test");
        cfg.setSchema(null);
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(cfg);
        server.startListening();
        try (LDAPConnectionPool pool = new LDAPConnectionPool(server.getConnection(), 1)) {
            server.add(new Entry("dc=ad,dc=test", new Attribute("objectClass", "domain")));
            server.add(new Entry("cn=Domain Users,dc=ad,dc=test", new Attribute("objectClass", "group"),
                    new Attribute("cn", "Domain Users"), new Attribute("objectSid", DOMAIN_USERS_SID)));
            SearchResultEntry user = new SearchResultEntry("cn=alice,dc=ad,dc=test", new Attribute[] {
                    new Attribute("objectSid", USER_SID), new Attribute("primaryGroupID", "513")}, new Control[0]);
            AtomicLong now = new AtomicLong();
            LdapSettings s = LdapSettings.of(Preset.ACTIVE_DIRECTORY, List.of("ldap://unused"), null, null,
                    "dc=ad,dc=test", "dc=ad,dc=test");
            PrimaryGroups groups = new PrimaryGroups(pool, s, 5, now::get);
            assertThat(groups.nameOf(user)).contains("Domain Users");
            server.delete("cn=Domain Users,dc=ad,dc=test");
            now.addAndGet(Duration.ofMinutes(9).toNanos());
            assertThat(groups.nameOf(user)).as("cached: no search").contains("Domain Users");
            now.addAndGet(Duration.ofMinutes(2).toNanos());
            assertThat(groups.nameOf(user)).as("past the ten-minute TTL: searched again").isEmpty();
        } finally {
            server.shutDown(true);
        }
    }
}
