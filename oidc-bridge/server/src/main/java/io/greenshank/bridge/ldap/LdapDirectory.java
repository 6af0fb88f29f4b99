package io.greenshank.bridge.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A {@link Directory} over LDAP or Active Directory with the UnboundID SDK.
 *
 * <p>Two pools: one bound as the service account for searches, and one whose connections are only ever used
 * for user binds, so a user's bind never changes the identity a search runs under.
 */
public final class LdapDirectory implements Directory, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LdapDirectory.class);

    /** AD's LDAP_MATCHING_RULE_IN_CHAIN: transitive membership evaluated by the server. */
    public static final String IN_CHAIN_RULE = "1.2.840.113556.1.4.1941";
    static final int MAX_LOGIN_LENGTH = 256;
    private static final int MAX_GROUPS = 1000;
    private static final int UAC_ACCOUNTDISABLE = 0x2;
    private static final int UAC_LOCKOUT = 0x10;
    private static final int UAC_PASSWORD_EXPIRED = 0x800000;
    private static final String UAC_COMPUTED = "msDS-User-Account-Control-Computed";

    private final LdapSettings s;
    private final LDAPConnectionPool searchPool;
    private final LDAPConnectionPool bindPool;
    private final Filter userFilter;
    private final Filter groupFilter;
    private final String[] userAttributes;
    private final DN groupBase;
    private final int timeLimitSeconds;
    private final Optional<PrimaryGroups> primaryGroups;
    /** A DN no entry has: refused logins of unknown, locked and disabled accounts bind to it (see authenticate). */
    private final String decoyDn;

    private record Expansion(List<String> names, long expiresAtNanos) {
    }

    /** Direct group DNs (sorted) to every group name they lead to, nesting included. */
    private final java.util.concurrent.ConcurrentHashMap<List<String>, Expansion> nestedCache =
            new java.util.concurrent.ConcurrentHashMap<>();

    public LdapDirectory(LdapSettings settings) throws LDAPException, GeneralSecurityException {
        this(settings, LdapServers.serverSet(settings));
    }

    LdapDirectory(LdapSettings settings, ServerSet servers) throws LDAPException {
        this.s = settings;
        this.userFilter = Filter.create(settings.userFilter());
        this.groupFilter = Filter.create(settings.groupFilter());
        this.groupBase = new DN(settings.groupBaseDn());
        this.timeLimitSeconds = (int) Math.max(1, settings.responseTimeout().toSeconds());
        Set<String> attrs = new LinkedHashSet<>(List.of(settings.subjectAttribute(), settings.usernameAttribute(),
                settings.emailAttribute(), settings.nameAttribute()));
        if (settings.groupStrategy() == GroupStrategy.MEMBER_OF) {
            attrs.add("memberOf");
        }
        if (settings.activeDirectory()) {
            attrs.addAll(List.of("userAccountControl", UAC_COMPUTED, "lockoutTime", "pwdLastSet"));
            if (settings.primaryGroup()) {
                attrs.addAll(PrimaryGroups.userAttributes());
            }
        } else {
            attrs.add("pwdAccountLockedTime");
        }
        this.userAttributes = attrs.toArray(String[]::new);
        SimpleBindRequest serviceBind = settings.bindDn()
                .map(dn -> new SimpleBindRequest(dn, settings.bindPassword().orElse("")))
                .orElse(null);
        // throwOnConnectFailure=false: the bridge starts while the directory is down and recovers when it returns.
        this.searchPool = new LDAPConnectionPool(servers, serviceBind, 1, settings.poolSize(), null, false);
        this.bindPool = new LDAPConnectionPool(servers, null, 0, settings.poolSize(), null, false);
        for (LDAPConnectionPool p : List.of(searchPool, bindPool)) {
            p.setMaxWaitTimeMillis(settings.connectTimeout().toMillis());
            p.setCreateIfNecessary(true);
            p.setRetryFailedOperationsDueToInvalidConnections(true);
            p.setHealthCheckIntervalMillis(30_000);
        }
        searchPool.setConnectionPoolName("greenshank-ldap-search");
        this.primaryGroups = settings.primaryGroup()
                ? Optional.of(new PrimaryGroups(searchPool, settings, timeLimitSeconds, System::nanoTime))
                : Optional.empty();
        this.decoyDn = "cn=greenshank-no-such-account-" + UUID.randomUUID() + "," + settings.userBaseDn();
        bindPool.setConnectionPoolName("greenshank-ldap-bind");
        LOG.infof("directory: %s", settings);
    }

    @Override
    public Optional<DirectoryUser> findUser(String login) throws DirectoryUnavailableException {
        if (!acceptableLogin(login)) {
            return Optional.empty();
        }
        Optional<SearchResultEntry> entry = searchUser(login);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toUser(entry.get()));
    }

    @Override
    public DirectoryUser authenticate(String login, String password)
            throws LoginFailedException, DirectoryUnavailableException {
        if (!acceptableLogin(login)) {
            throw new LoginFailedException(LoginFailedException.Reason.INVALID_LOGIN, "login not acceptable");
        }
        if (password == null || password.isEmpty()) {
            throw new LoginFailedException(LoginFailedException.Reason.EMPTY_PASSWORD, "for " + login);
        }
        // Every refusal after the search costs one bind, so that how long a refusal takes does not tell an unknown,
        // locked or disabled account from an active one with a wrong password. Accounts that may not log in are not
        // bound as themselves: the bind goes to a DN nobody has, which leaves their lockout counters alone.
        Optional<SearchResultEntry> found = searchUser(login);
        if (found.isEmpty()) {
            bindDecoy(password);
            throw new LoginFailedException(LoginFailedException.Reason.UNKNOWN_USER, "no single entry");
        }
        SearchResultEntry entry = found.get();
        AccountStatus status = status(entry);
        if (status == AccountStatus.LOCKED) {
            bindDecoy(password);
            throw new LoginFailedException(LoginFailedException.Reason.ACCOUNT_LOCKED, entry.getDN());
        }
        if (status == AccountStatus.DISABLED) {
            bindDecoy(password);
            throw new LoginFailedException(LoginFailedException.Reason.ACCOUNT_DISABLED, entry.getDN());
        }
        bindAsUser(entry.getDN(), password);
        return toUser(entry);
    }

    /** The bind a refused login pays; its outcome is ignored unless the directory is unreachable. */
    private void bindDecoy(String password) throws DirectoryUnavailableException {
        try {
            bindOnce(decoyDn, password);
        } catch (LDAPException e) {
            if (!ResultCode.isConnectionUsable(e.getResultCode())) {
                // As for an active account's bind: an outage answers unavailable whatever the account.
                throw unavailable("bind", e);
            }
        }
    }

    private void bindAsUser(String dn, String password) throws LoginFailedException, DirectoryUnavailableException {
        try {
            bindOnce(dn, password);
        } catch (LDAPException e) {
            if (e.getResultCode() != ResultCode.SERVER_DOWN) {
                refuse(dn, e);
            }
            // A pooled connection that the server closed (a restart, an idle timeout) is only found out when it is
            // used, and a bind sent on it never reached a server: one more try, on a fresh connection. A timeout is
            // not retried, so a slow directory still answers within one response timeout.
            try {
                bindOnce(dn, password);
            } catch (LDAPException again) {
                refuse(dn, again);
            }
        }
    }

    private void bindOnce(String dn, String password) throws LDAPException {
        LDAPConnection c = bindPool.getConnection();
        try {
            c.bind(new SimpleBindRequest(dn, password));
            bindPool.releaseConnection(c);
        } catch (LDAPException e) {
            if (ResultCode.isConnectionUsable(e.getResultCode())) {
                bindPool.releaseConnection(c);
            } else {
                bindPool.releaseDefunctConnection(c);
            }
            throw e;
        }
    }

    private void refuse(String dn, LDAPException e) throws LoginFailedException, DirectoryUnavailableException {
        if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
            throw new LoginFailedException(adBindReason(e.getDiagnosticMessage()), dn);
        }
        if (e.getResultCode() == ResultCode.UNWILLING_TO_PERFORM
                || e.getResultCode() == ResultCode.INAPPROPRIATE_AUTHENTICATION) {
            throw new LoginFailedException(LoginFailedException.Reason.ACCOUNT_DISABLED,
                    dn + " (" + e.getResultCode() + ")");
        }
        throw unavailable("bind as " + dn, e);
    }

    /** AD puts the reason a bind failed into the diagnostic message as {@code data 52e} and the like. */
    static LoginFailedException.Reason adBindReason(String diagnostic) {
        if (diagnostic == null) {
            return LoginFailedException.Reason.BAD_CREDENTIALS;
        }
        String d = diagnostic.toLowerCase(java.util.Locale.ROOT);
        if (d.contains("data 775")) {
            return LoginFailedException.Reason.ACCOUNT_LOCKED;
        }
        if (d.contains("data 533") || d.contains("data 701") || d.contains("data 532") || d.contains("data 773")
                || d.contains("data 530") || d.contains("data 531")) {
            return LoginFailedException.Reason.ACCOUNT_DISABLED;
        }
        // data 52e (bad password), 525 (no such user) and plain 49s look the same to the caller.
        return LoginFailedException.Reason.BAD_CREDENTIALS;
    }

    static boolean acceptableLogin(String login) {
        if (login == null || login.isBlank() || login.length() > MAX_LOGIN_LENGTH) {
            return false;
        }
        for (int i = 0; i < login.length(); i++) {
            if (Character.isISOControl(login.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The user filter: the configured one AND any login attribute equal to the login (escaped by the SDK). */
    Filter loginFilter(String login) {
        List<Filter> anyOf = new ArrayList<>();
        for (String attr : s.loginAttributes()) {
            anyOf.add(Filter.createEqualityFilter(attr, login));
        }
        return Filter.createANDFilter(userFilter, Filter.createORFilter(anyOf));
    }

    private Optional<SearchResultEntry> searchUser(String login) throws DirectoryUnavailableException {
        SearchRequest r = new SearchRequest(s.userBaseDn(), SearchScope.SUB, DereferencePolicy.NEVER, 2,
                timeLimitSeconds, false, loginFilter(login), userAttributes);
        try {
            SearchResult res = searchPool.search(r);
            return res.getEntryCount() == 1 ? Optional.of(res.getSearchEntries().get(0)) : Optional.empty();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                LOG.warnf("login matches more than one entry under %s; refused", s.userBaseDn());
                return Optional.empty();
            }
            throw unavailable("user search", e);
        }
    }

    AccountStatus status(SearchResultEntry e) {
        if (s.activeDirectory()) {
            long uac = longValue(e, "userAccountControl");
            if ((uac & UAC_ACCOUNTDISABLE) != 0) {
                return AccountStatus.DISABLED;
            }
            if (e.hasAttribute(UAC_COMPUTED)) {
                long computed = longValue(e, UAC_COMPUTED);
                if ((computed & UAC_LOCKOUT) != 0) {
                    return AccountStatus.LOCKED;
                }
                if ((computed & UAC_PASSWORD_EXPIRED) != 0) {
                    return AccountStatus.DISABLED;
                }
            } else if (longValue(e, "lockoutTime") > 0) {
                return AccountStatus.LOCKED;
            }
            if (e.hasAttribute("pwdLastSet") && longValue(e, "pwdLastSet") == 0) {
                // "User must change password at next logon": no token until they have.
                return AccountStatus.DISABLED;
            }
            return AccountStatus.ACTIVE;
        }
        return e.hasAttribute("pwdAccountLockedTime") ? AccountStatus.LOCKED : AccountStatus.ACTIVE;
    }

    private static long longValue(SearchResultEntry e, String attr) {
        String v = e.getAttributeValue(attr);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    private DirectoryUser toUser(SearchResultEntry e) throws DirectoryUnavailableException {
        String subject = subject(e);
        String username = Optional.ofNullable(e.getAttributeValue(s.usernameAttribute())).orElse("");
        return new DirectoryUser(subject, username, e.getDN(),
                Optional.ofNullable(e.getAttributeValue(s.emailAttribute())),
                Optional.ofNullable(e.getAttributeValue(s.nameAttribute())), groups(e, username), status(e));
    }

    private String subject(SearchResultEntry e) throws DirectoryUnavailableException {
        if ("objectGUID".equalsIgnoreCase(s.subjectAttribute())) {
            byte[] guid = e.getAttributeValueBytes("objectGUID");
            if (guid != null && guid.length == 16) {
                return objectGuidToString(guid);
            }
        } else {
            String v = e.getAttributeValue(s.subjectAttribute());
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        // Without a stable id the token's sub would have to be the login name, which can be reassigned.
        throw new DirectoryUnavailableException("entry " + e.getDN() + " has no " + s.subjectAttribute()
                + " (check greenshank.bridge.ldap.subject-attribute and the service account's read rights)");
    }

    /** AD stores the GUID with its first three fields little-endian; this is the form AD tools display. */
    static String objectGuidToString(byte[] b) {
        ByteBuffer bb = ByteBuffer.allocate(16);
        bb.put(b[3]).put(b[2]).put(b[1]).put(b[0]).put(b[5]).put(b[4]).put(b[7]).put(b[6]);
        bb.put(b, 8, 8);
        bb.flip();
        return new UUID(bb.getLong(), bb.getLong()).toString();
    }

    private List<String> groups(SearchResultEntry user, String username) throws DirectoryUnavailableException {
        try {
            List<String> names = switch (s.groupStrategy()) {
                case IN_CHAIN -> names(searchGroups(Filter.createExtensibleMatchFilter(
                        "member", IN_CHAIN_RULE, false, user.getDN())));
                case MEMBER_UID -> names(searchGroups(Filter.createEqualityFilter("memberUid", username)));
                case MEMBER, UNIQUE_MEMBER -> nested(searchGroups(Filter.createEqualityFilter(memberAttr(),
                        user.getDN())));
                case MEMBER_OF -> nested(memberOf(user));
            };
            if (primaryGroups.isEmpty()) {
                return names;
            }
            Optional<String> primary = primaryGroups.get().nameOf(user);
            if (primary.isEmpty() || names.contains(primary.get())) {
                return names;
            }
            List<String> with = new ArrayList<>(names);
            with.add(primary.get());
            return with;
        } catch (LDAPException e) {
            throw unavailable("group search", e);
        }
    }

    /** A group found for a user: its DN, and its name in tokens (absent when the entry has no name attribute). */
    private record Group(DN dn, Optional<String> name) {
        static Group of(SearchResultEntry e, String nameAttribute) throws LDAPException {
            return new Group(e.getParsedDN(), Optional.ofNullable(e.getAttributeValue(nameAttribute)));
        }
    }

    private String memberAttr() {
        return s.groupStrategy() == GroupStrategy.UNIQUE_MEMBER ? "uniqueMember" : "member";
    }

    private List<Group> searchGroups(Filter membership) throws LDAPException {
        SearchRequest r = new SearchRequest(s.groupBaseDn(), SearchScope.SUB, DereferencePolicy.NEVER, MAX_GROUPS,
                timeLimitSeconds, false, Filter.createANDFilter(groupFilter, membership), s.groupNameAttribute());
        List<SearchResultEntry> entries;
        try {
            entries = searchPool.search(r).getSearchEntries();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw e;
            }
            LOG.warnf("more than %d groups; truncated", MAX_GROUPS);
            entries = e.getSearchEntries();
        }
        List<Group> out = new ArrayList<>(entries.size());
        for (SearchResultEntry g : entries) {
            out.add(Group.of(g, s.groupNameAttribute()));
        }
        return out;
    }

    private static List<String> names(List<Group> groups) {
        List<String> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            g.name().ifPresent(out::add);
        }
        return out;
    }

    /**
     * Breadth-first search for the groups that contain the groups found so far, bounded by the nesting depth;
     * a visited set stops cycles (A in B, B in A).
     */
    private List<String> nested(List<Group> direct) throws LDAPException {
        long ttl = s.nestedGroupCacheTtl().toNanos();
        if (ttl <= 0 || s.groupNestingDepth() == 0) {
            return expand(direct);
        }
        List<String> key = direct.stream().map(g -> g.dn().toNormalizedString()).sorted().toList();
        long now = System.nanoTime();
        Expansion hit = nestedCache.get(key);
        if (hit != null && hit.expiresAtNanos() - now > 0) {
            return hit.names();
        }
        List<String> names = List.copyOf(expand(direct));
        if (nestedCache.size() > 10_000) {
            nestedCache.clear();
        }
        nestedCache.put(key, new Expansion(names, now + ttl));
        return names;
    }

    private List<String> expand(List<Group> direct) throws LDAPException {
        Set<DN> seen = new HashSet<>();
        List<Group> found = new ArrayList<>();
        Deque<DN> frontier = new ArrayDeque<>();
        for (Group g : direct) {
            if (seen.add(g.dn())) {
                frontier.add(g.dn());
                found.add(g);
            }
        }
        for (int depth = 0; depth < s.groupNestingDepth() && !frontier.isEmpty() && seen.size() < MAX_GROUPS;
             depth++) {
            List<Filter> anyOf = new ArrayList<>();
            while (!frontier.isEmpty()) {
                anyOf.add(Filter.createEqualityFilter(memberAttr(), frontier.poll().toString()));
            }
            for (Group g : searchGroups(Filter.createORFilter(anyOf))) {
                if (seen.add(g.dn())) {
                    frontier.add(g.dn());
                    found.add(g);
                }
            }
        }
        return names(found);
    }

    /**
     * The user's direct groups from {@code memberOf}, limited to the group base. When groups are named by their RDN
     * attribute (the usual {@code cn}), the name is read from the DN itself: the login then costs no group lookup
     * at all, the point of choosing this strategy where the directory keeps {@code memberOf}.
     */
    private List<Group> memberOf(SearchResultEntry user) throws LDAPException {
        Attribute a = user.getAttribute("memberOf");
        if (a == null) {
            return List.of();
        }
        List<Group> direct = new ArrayList<>();
        for (String value : a.getValues()) {
            DN dn = new DN(value);
            if (!dn.isDescendantOf(groupBase, false)) {
                continue;
            }
            Optional<String> fromRdn = nameFromRdn(dn);
            if (fromRdn.isPresent()) {
                direct.add(new Group(dn, fromRdn));
            } else {
                SearchResultEntry g = searchPool.getEntry(value, s.groupNameAttribute());
                if (g != null) {
                    direct.add(Group.of(g, s.groupNameAttribute()));
                }
            }
        }
        return direct;
    }

    private Optional<String> nameFromRdn(DN dn) {
        RDN rdn = dn.getRDN();
        if (rdn == null || rdn.isMultiValued() || !rdn.hasAttribute(s.groupNameAttribute())) {
            return Optional.empty();
        }
        return Optional.of(rdn.getAttributeValues()[0]);
    }

    private DirectoryUnavailableException unavailable(String what, LDAPException e) {
        // The diagnostic message can hold a DN but never a password: binds are not echoed by servers.
        Optional<String> fix = misconfiguration(e);
        String diagnostic = Optional.ofNullable(e.getDiagnosticMessage()).orElse("no diagnostic message");
        if (fix.isPresent()) {
            LOG.errorf("directory %s refused: %s (%s: %s)", what, fix.get(), e.getResultCode(), diagnostic);
            return new DirectoryMisconfiguredException(fix.get(), e);
        }
        LOG.warnf("directory %s failed: %s (%s)", what, e.getResultCode(), diagnostic);
        return new DirectoryUnavailableException("directory " + what + " failed: " + e.getResultCode(), e);
    }

    /**
     * What an administrator must fix when {@code e} says the directory answers but refuses this configuration;
     * empty for an outage (unreachable, timed out, busy), which retrying can cure.
     */
    Optional<String> misconfiguration(LDAPException e) {
        ResultCode rc = e.getResultCode();
        String diagnostic = Optional.ofNullable(e.getDiagnosticMessage()).orElse("");
        String account = s.bindDn().map(dn -> "service account " + dn).orElse("anonymous access");
        if (rc == ResultCode.INVALID_CREDENTIALS) {
            return Optional.of("the directory refused the bind of the " + account + ": check "
                    + "greenshank.bridge.ldap.bind-dn and greenshank.bridge.ldap.bind-password");
        }
        if (rc == ResultCode.OPERATIONS_ERROR && diagnostic.startsWith("00002020")) {
            // AD lets an anonymous bind succeed and then refuses every search with this code.
            return Optional.of("the directory refuses to search for " + account + " (Active Directory: 00002020, "
                    + "operation unavailable without authentication): set greenshank.bridge.ldap.bind-dn and "
                    + "greenshank.bridge.ldap.bind-password to a service account");
        }
        if (rc == ResultCode.INSUFFICIENT_ACCESS_RIGHTS) {
            return Optional.of("the " + account + " may not read the directory: grant it read access to "
                    + s.userBaseDn() + " and " + s.groupBaseDn() + ", or change greenshank.bridge.ldap.bind-dn");
        }
        if (rc == ResultCode.NO_SUCH_OBJECT) {
            return Optional.of("a base DN does not exist or is not visible to the " + account + " (user base "
                    + s.userBaseDn() + ", group base " + s.groupBaseDn() + "): check "
                    + "greenshank.bridge.ldap.user-base-dn and greenshank.bridge.ldap.group-base-dn");
        }
        if (rc == ResultCode.STRONG_AUTH_REQUIRED || rc == ResultCode.CONFIDENTIALITY_REQUIRED) {
            return Optional.of("the directory requires a protected connection (" + rc + "): use an ldaps:// URL "
                    + "or greenshank.bridge.ldap.start-tls=true");
        }
        return Optional.empty();
    }

    /**
     * Checks that the service account can bind and read the user and group bases: what logins need. Never throws.
     */
    public DirectoryCheck selfCheck() {
        java.time.Instant now = java.time.Instant.now();
        Set<String> bases = new LinkedHashSet<>(List.of(s.userBaseDn(), s.groupBaseDn()));
        try {
            for (String base : bases) {
                SearchRequest r = new SearchRequest(base, SearchScope.BASE, DereferencePolicy.NEVER, 1,
                        timeLimitSeconds, false, Filter.createPresenceFilter("objectClass"), "1.1");
                if (searchPool.search(r).getEntryCount() != 1) {
                    return new DirectoryCheck(DirectoryCheck.State.MISCONFIGURED, "base " + base + " is not "
                            + "visible to the bridge's search account: check greenshank.bridge.ldap.bind-dn and "
                            + "the base DN settings", now);
                }
            }
            return new DirectoryCheck(DirectoryCheck.State.READY, "", now);
        } catch (LDAPException e) {
            Optional<String> fix = misconfiguration(e);
            if (fix.isPresent()) {
                return new DirectoryCheck(DirectoryCheck.State.MISCONFIGURED, fix.get(), now);
            }
            return new DirectoryCheck(DirectoryCheck.State.UNREACHABLE, "the directory at " + s.urls()
                    + " is not answering: " + e.getResultCode() + " " + Optional.ofNullable(
                    e.getDiagnosticMessage()).orElse(""), now);
        }
    }

    @Override
    public void close() {
        searchPool.close();
        bindPool.close();
    }
}
