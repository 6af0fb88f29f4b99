package io.greenshank.bridge.ldap;

import java.util.List;
import java.util.Locale;

/** Directory-flavour defaults; every field can be overridden by its own config key. */
public record Preset(String userFilter, List<String> loginAttributes, String subjectAttribute,
                     String usernameAttribute, String emailAttribute, String nameAttribute, GroupStrategy groupStrategy,
                     String groupFilter, String groupNameAttribute, boolean activeDirectory) {

    public static final Preset ACTIVE_DIRECTORY = new Preset("(&(objectCategory=person)(objectClass=user))",
            List.of("sAMAccountName", "userPrincipalName"), "objectGUID", "sAMAccountName", "mail", "displayName",
            GroupStrategy.IN_CHAIN, "(objectClass=group)", "cn", true);

    public static final Preset OPENLDAP = new Preset("(objectClass=inetOrgPerson)", List.of("uid"), "entryUUID", "uid",
            "mail", "cn", GroupStrategy.MEMBER, "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))", "cn",
            false);

    public static Preset named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "active-directory", "ad" -> ACTIVE_DIRECTORY;
            case "openldap" -> OPENLDAP;
            default -> throw new IllegalArgumentException(
                    "greenshank.bridge.ldap.preset must be active-directory or openldap, not " + name);
        };
    }
}
