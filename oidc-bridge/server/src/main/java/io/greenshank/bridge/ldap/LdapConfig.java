package io.greenshank.bridge.ldap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code greenshank.bridge.ldap.*}: how to reach the directory and read users and groups from it. */
@ConfigMapping(prefix = "greenshank.bridge.ldap")
public interface LdapConfig {

    /**
     * Start the in-process demo directory instead of connecting anywhere. Dev profile only: a production
     * profile that sets it refuses to start.
     */
    @WithDefault("false")
    boolean embedded();

    /** Server URLs, tried in order for failover: {@code ldaps://dc1:636}, {@code ldap://dc2:389}. */
    Optional<List<String>> urls();

    /** {@code active-directory} or {@code openldap}: defaults for every attribute below. */
    @WithDefault("openldap")
    String preset();

    /** Upgrade {@code ldap://} connections with StartTLS. */
    @WithDefault("false")
    boolean startTls();

    /** Permit {@code ldap://} without StartTLS (passwords in clear on the wire). */
    @WithDefault("false")
    boolean allowPlain();

    /** PEM file of the CA(s) that sign the directory's certificates; the JDK trust store when absent. */
    Optional<String> caFile();

    /** The service account that searches users and groups. */
    Optional<String> bindDn();

    Optional<String> bindPassword();

    @WithDefault("PT3S")
    Duration connectTimeout();

    @WithDefault("PT5S")
    Duration responseTimeout();

    @WithDefault("8")
    int poolSize();

    /** Where users are searched (subtree). */
    Optional<String> userBaseDn();

    /** An extra filter every user entry must match, e.g. {@code (objectClass=person)}. */
    Optional<String> userFilter();

    /** Attributes a login is matched against (any of them). */
    Optional<List<String>> loginAttributes();

    Optional<String> subjectAttribute();

    Optional<String> usernameAttribute();

    Optional<String> emailAttribute();

    Optional<String> nameAttribute();

    /** Where groups are searched (subtree); the user base when absent. */
    Optional<String> groupBaseDn();

    /**
     * How groups are found: {@code member-of} (the user's {@code memberOf}), {@code in-chain} (AD's
     * {@code 1.2.840.113556.1.4.1941}), {@code member}, {@code unique-member}, {@code member-uid}.
     */
    Optional<String> groupStrategy();

    /** An extra filter every group entry must match, e.g. {@code (objectClass=groupOfNames)}. */
    Optional<String> groupFilter();

    /** The group attribute that becomes the group's name in tokens. */
    Optional<String> groupNameAttribute();

    /** How deep nested groups are followed by recursive search (0 = no nesting). */
    @WithDefault("8")
    int groupNestingDepth();

    /**
     * How long the expansion of a set of direct groups into all enclosing groups (recursive search) is reused.
     * Direct membership is always read fresh; only nesting changes can lag by up to this long. 0 disables.
     */
    @WithDefault("PT1M")
    Duration nestedGroupCacheTtl();

    /**
     * Active Directory only: add the user's primary group (the group whose RID is the user's {@code primaryGroupID},
     * usually {@code Domain Users}) to {@code groups}. AD keeps no {@code member}/{@code memberOf} link for it.
     */
    @WithDefault("true")
    boolean primaryGroup();

    /** How long a primary group's name (by SID) is reused before it is looked up again. */
    @WithDefault("PT10M")
    Duration primaryGroupCacheTtl();

    /**
     * How often the directory self-check (service bind, user and group base present and searchable) runs; its
     * latest outcome is the {@code directory} readiness check.
     */
    @WithDefault("PT30S")
    Duration selfCheckInterval();
}
