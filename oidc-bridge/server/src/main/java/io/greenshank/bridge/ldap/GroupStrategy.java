package io.greenshank.bridge.ldap;

import java.util.Locale;

/** How a user's groups are found. */
public enum GroupStrategy {
    /** The user entry's {@code memberOf} values (direct groups), then nesting by recursive search. */
    MEMBER_OF,
    /** AD: one search with {@code member:1.2.840.113556.1.4.1941:=<user DN>}, nesting resolved by the server. */
    IN_CHAIN,
    /** Groups whose {@code member} holds the user's DN, then recursive search for nesting. */
    MEMBER,
    /** As {@link #MEMBER} with {@code uniqueMember}. */
    UNIQUE_MEMBER,
    /** posixGroup: {@code memberUid} holds the username; no nesting. */
    MEMBER_UID;

    public static GroupStrategy parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "member-of", "memberof" -> MEMBER_OF;
            case "in-chain" -> IN_CHAIN;
            case "member" -> MEMBER;
            case "unique-member", "uniquemember" -> UNIQUE_MEMBER;
            case "member-uid", "memberuid" -> MEMBER_UID;
            default -> throw new IllegalArgumentException("unknown group strategy " + s);
        };
    }
}
