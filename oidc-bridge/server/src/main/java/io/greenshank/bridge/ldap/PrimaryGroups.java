package io.greenshank.bridge.ldap;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * An Active Directory user's primary group ({@code Domain Users} for almost everyone). AD records it only as the
 * user's {@code primaryGroupID}, the group's RID, never as a {@code member}/{@code memberOf} link, so no membership
 * search finds it. The group's SID is the user's domain SID (the user's {@code objectSid} without its last
 * sub-authority) followed by that RID; its name is looked up by {@code objectSid} under the group base once and then
 * reused for the cache TTL, so a login costs a search only when its primary group's name is not cached.
 *
 * <p>Searching by {@code objectSid} rather than reading {@code primaryGroupToken}: AD constructs that attribute only
 * for base-scope reads of one group, so building a RID table from it would cost one read per group in the domain.
 */
final class PrimaryGroups {

    static final String PRIMARY_GROUP_ID = "primaryGroupID";
    static final String OBJECT_SID = "objectSid";
    private static final int MAX_CACHED = 10_000;

    private record Cached(Optional<String> name, long expiresAtNanos) {
    }

    private final LDAPConnectionPool pool;
    private final String groupBaseDn;
    private final Filter groupFilter;
    private final String nameAttribute;
    private final int timeLimitSeconds;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    /** Group SID (hex of its binary form) to its name; empty when no group under the base has that SID. */
    private final ConcurrentHashMap<String, Cached> names = new ConcurrentHashMap<>();

    PrimaryGroups(LDAPConnectionPool pool, LdapSettings s, int timeLimitSeconds, LongSupplier nanoTime)
            throws LDAPException {
        this.pool = pool;
        this.groupBaseDn = s.groupBaseDn();
        this.groupFilter = Filter.create(s.groupFilter());
        this.nameAttribute = s.groupNameAttribute();
        this.timeLimitSeconds = timeLimitSeconds;
        this.ttlNanos = s.primaryGroupCacheTtl().toNanos();
        this.nanoTime = nanoTime;
    }

    /** The attributes a user entry must carry for {@link #nameOf}. */
    static List<String> userAttributes() {
        return List.of(PRIMARY_GROUP_ID, OBJECT_SID);
    }

    /** The name of {@code user}'s primary group, or empty when it has none, or none under the group base. */
    Optional<String> nameOf(SearchResultEntry user) throws LDAPException {
        Optional<byte[]> sid = groupSid(user.getAttributeValueBytes(OBJECT_SID),
                user.getAttributeValue(PRIMARY_GROUP_ID));
        if (sid.isEmpty()) {
            return Optional.empty();
        }
        String key = HexFormat.of().formatHex(sid.get());
        long now = nanoTime.getAsLong();
        Cached hit = names.get(key);
        if (hit != null && hit.expiresAtNanos() - now > 0) {
            return hit.name();
        }
        SearchRequest r = new SearchRequest(groupBaseDn, SearchScope.SUB, DereferencePolicy.NEVER, 1,
                timeLimitSeconds, false, Filter.createANDFilter(groupFilter,
                Filter.createEqualityFilter(OBJECT_SID, sid.get())), nameAttribute);
        List<SearchResultEntry> found = pool.search(r).getSearchEntries();
        Optional<String> name = found.isEmpty() ? Optional.empty()
                : Optional.ofNullable(found.get(0).getAttributeValue(nameAttribute));
        if (names.size() > MAX_CACHED) {
            names.clear();
        }
        names.put(key, new Cached(name, now + ttlNanos));
        return name;
    }

    /**
     * The primary group's binary SID: the user's SID with its last sub-authority (the user's RID, 4 bytes
     * little-endian per MS-DTYP 2.4.2) replaced by {@code primaryGroupId}. Empty when either is missing or malformed.
     */
    static Optional<byte[]> groupSid(byte[] userSid, String primaryGroupId) {
        if (userSid == null || primaryGroupId == null || userSid.length < 12 || userSid[0] != 1) {
            return Optional.empty();
        }
        int subAuthorities = userSid[1] & 0xff;
        if (subAuthorities < 1 || userSid.length != 8 + 4 * subAuthorities) {
            return Optional.empty();
        }
        long rid;
        try {
            rid = Long.parseLong(primaryGroupId.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (rid <= 0 || rid > 0xffffffffL) {
            return Optional.empty();
        }
        byte[] out = userSid.clone();
        int at = out.length - 4;
        for (int i = 0; i < 4; i++) {
            out[at + i] = (byte) (rid >>> (8 * i));
        }
        return Optional.of(out);
    }
}
