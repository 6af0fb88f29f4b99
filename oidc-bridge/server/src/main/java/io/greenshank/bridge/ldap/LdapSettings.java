package io.greenshank.bridge.ldap;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The effective directory settings: the preset with each configured override applied. */
public record LdapSettings(List<String> urls, boolean startTls, boolean allowPlain, Optional<String> caFile,
                           Optional<String> bindDn, Optional<String> bindPassword, Duration connectTimeout,
                           Duration responseTimeout, int poolSize, String userBaseDn, String userFilter,
                           List<String> loginAttributes, String subjectAttribute, String usernameAttribute,
                           String emailAttribute, String nameAttribute, String groupBaseDn, GroupStrategy groupStrategy,
                           String groupFilter, String groupNameAttribute, int groupNestingDepth,
                           boolean activeDirectory, Duration nestedGroupCacheTtl, boolean primaryGroup,
                           Duration primaryGroupCacheTtl) {

    public LdapSettings {
        urls = List.copyOf(urls);
        loginAttributes = List.copyOf(loginAttributes);
        Objects.requireNonNull(userBaseDn, "user-base-dn");
        primaryGroup = primaryGroup && activeDirectory;
        if (loginAttributes.isEmpty()) {
            throw new IllegalArgumentException("greenshank.bridge.ldap.login-attributes must not be empty");
        }
    }

    /** Without the primary-group settings: on for Active Directory, names reused for ten minutes. */
    public LdapSettings(List<String> urls, boolean startTls, boolean allowPlain, Optional<String> caFile,
                        Optional<String> bindDn, Optional<String> bindPassword, Duration connectTimeout,
                        Duration responseTimeout, int poolSize, String userBaseDn, String userFilter,
                        List<String> loginAttributes, String subjectAttribute, String usernameAttribute,
                        String emailAttribute, String nameAttribute, String groupBaseDn, GroupStrategy groupStrategy,
                        String groupFilter, String groupNameAttribute, int groupNestingDepth, boolean activeDirectory,
                        Duration nestedGroupCacheTtl) {
        this(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connectTimeout, responseTimeout, poolSize,
                userBaseDn, userFilter, loginAttributes, subjectAttribute, usernameAttribute, emailAttribute,
                nameAttribute, groupBaseDn, groupStrategy, groupFilter, groupNameAttribute, groupNestingDepth,
                activeDirectory, nestedGroupCacheTtl, activeDirectory, Duration.ofMinutes(10));
    }

    public static LdapSettings from(LdapConfig c) {
        Preset p = Preset.named(c.preset());
        String userBase = c.userBaseDn().orElseThrow(
                () -> new IllegalArgumentException("greenshank.bridge.ldap.user-base-dn is required"));
        return new LdapSettings(c.urls().orElse(List.of()), c.startTls(), c.allowPlain(), c.caFile(), c.bindDn(),
                c.bindPassword(), c.connectTimeout(), c.responseTimeout(), c.poolSize(), userBase,
                c.userFilter().orElse(p.userFilter()), c.loginAttributes().orElse(p.loginAttributes()),
                c.subjectAttribute().orElse(p.subjectAttribute()), c.usernameAttribute().orElse(p.usernameAttribute()),
                c.emailAttribute().orElse(p.emailAttribute()), c.nameAttribute().orElse(p.nameAttribute()),
                c.groupBaseDn().orElse(userBase), c.groupStrategy().map(GroupStrategy::parse).orElse(p.groupStrategy()),
                c.groupFilter().orElse(p.groupFilter()), c.groupNameAttribute().orElse(p.groupNameAttribute()),
                c.groupNestingDepth(), p.activeDirectory(), c.nestedGroupCacheTtl(),
                p.activeDirectory() && c.primaryGroup(), c.primaryGroupCacheTtl());
    }

    /** Settings for a preset with the given connection and bases; for tests and the embedded directory. */
    public static LdapSettings of(Preset p, List<String> urls, String bindDn, String bindPassword, String userBase,
                                  String groupBase) {
        return new LdapSettings(urls, false, true, Optional.empty(), Optional.ofNullable(bindDn),
                Optional.ofNullable(bindPassword), Duration.ofSeconds(3), Duration.ofSeconds(5), 4, userBase,
                p.userFilter(), p.loginAttributes(), p.subjectAttribute(), p.usernameAttribute(), p.emailAttribute(),
                p.nameAttribute(), groupBase, p.groupStrategy(), p.groupFilter(), p.groupNameAttribute(), 8,
                p.activeDirectory(), Duration.ofMinutes(1));
    }

    public LdapSettings withGroupStrategy(GroupStrategy s) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connectTimeout,
                responseTimeout, poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute,
                usernameAttribute, emailAttribute, nameAttribute, groupBaseDn, s, groupFilter, groupNameAttribute,
                groupNestingDepth, activeDirectory, nestedGroupCacheTtl, primaryGroup,
                primaryGroupCacheTtl);
    }

    public LdapSettings withNestedGroupCacheTtl(Duration ttl) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connectTimeout,
                responseTimeout, poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute,
                usernameAttribute, emailAttribute, nameAttribute, groupBaseDn, groupStrategy, groupFilter,
                groupNameAttribute, groupNestingDepth, activeDirectory, ttl, primaryGroup, primaryGroupCacheTtl);
    }

    public LdapSettings withTransport(List<String> newUrls, boolean newStartTls, boolean newAllowPlain,
                                      Optional<String> newCaFile) {
        return new LdapSettings(newUrls, newStartTls, newAllowPlain, newCaFile, bindDn, bindPassword,
                connectTimeout, responseTimeout, poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute,
                usernameAttribute, emailAttribute, nameAttribute, groupBaseDn, groupStrategy, groupFilter,
                groupNameAttribute, groupNestingDepth, activeDirectory, nestedGroupCacheTtl, primaryGroup,
                primaryGroupCacheTtl);
    }

    public LdapSettings withTimeouts(Duration connect, Duration response) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connect, response,
                poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute, usernameAttribute, emailAttribute,
                nameAttribute, groupBaseDn, groupStrategy, groupFilter, groupNameAttribute, groupNestingDepth,
                activeDirectory, nestedGroupCacheTtl, primaryGroup, primaryGroupCacheTtl);
    }

    public LdapSettings withPrimaryGroup(boolean on) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connectTimeout,
                responseTimeout, poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute,
                usernameAttribute, emailAttribute, nameAttribute, groupBaseDn, groupStrategy, groupFilter,
                groupNameAttribute, groupNestingDepth, activeDirectory, nestedGroupCacheTtl, on && activeDirectory,
                primaryGroupCacheTtl);
    }

    public LdapSettings withBind(Optional<String> dn, Optional<String> password) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, dn, password, connectTimeout, responseTimeout,
                poolSize, userBaseDn, userFilter, loginAttributes, subjectAttribute, usernameAttribute,
                emailAttribute, nameAttribute, groupBaseDn, groupStrategy, groupFilter, groupNameAttribute,
                groupNestingDepth, activeDirectory, nestedGroupCacheTtl, primaryGroup, primaryGroupCacheTtl);
    }

    public LdapSettings withBases(String userBase, String groupBase) {
        return new LdapSettings(urls, startTls, allowPlain, caFile, bindDn, bindPassword, connectTimeout,
                responseTimeout, poolSize, userBase, userFilter, loginAttributes, subjectAttribute,
                usernameAttribute, emailAttribute, nameAttribute, groupBase, groupStrategy, groupFilter,
                groupNameAttribute, groupNestingDepth, activeDirectory, nestedGroupCacheTtl, primaryGroup,
                primaryGroupCacheTtl);
    }

    @Override
    public String toString() {
        // The bind password stays out of logs.
        return "LdapSettings[urls=" + urls + ", startTls=" + startTls + ", bindDn=" + bindDn.orElse("(anonymous)")
                + ", userBaseDn=" + userBaseDn + ", loginAttributes=" + loginAttributes + ", subject="
                + subjectAttribute + ", groups=" + groupStrategy + "]";
    }
}
