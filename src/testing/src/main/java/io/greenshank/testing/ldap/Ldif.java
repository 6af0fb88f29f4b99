package io.greenshank.testing.ldap;

/** LDIF entries for a {@link Slapd}: people under {@link Slapd#PEOPLE}, groups of names under {@link Slapd#GROUPS}. */
public final class Ldif {

    private Ldif() {
    }

    public static String userDn(String uid) {
        return "uid=" + uid + "," + Slapd.PEOPLE;
    }

    public static String groupDn(String cn) {
        return "cn=" + cn + "," + Slapd.GROUPS;
    }

    /** An {@code inetOrgPerson} with mail {@code uid@example.test}, plus any {@code extra} attribute lines. */
    public static String person(String uid, String cn, String password, String... extra) {
        StringBuilder b = new StringBuilder("dn: " + userDn(uid) + "\nobjectClass: inetOrgPerson\nuid: " + uid
                + "\ncn: " + cn + "\nsn: " + cn + "\nmail: " + uid + "@example.test\nuserPassword: " + password + "\n");
        for (String e : extra) {
            b.append(e).append('\n');
        }
        return b.append('\n').toString();
    }

    /** A {@code groupOfNames} whose members are the given DNs (users or groups). */
    public static String group(String cn, String... memberDns) {
        StringBuilder b = new StringBuilder("dn: " + groupDn(cn) + "\nobjectClass: groupOfNames\ncn: " + cn + "\n");
        for (String m : memberDns) {
            b.append("member: ").append(m).append('\n');
        }
        return b.append('\n').toString();
    }

    static String skeleton() {
        return "dn: " + Slapd.BASE + "\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
                + "dn: " + Slapd.PEOPLE + "\nobjectClass: organizationalUnit\nou: people\n\n"
                + "dn: " + Slapd.GROUPS + "\nobjectClass: organizationalUnit\nou: groups\n\n";
    }
}
