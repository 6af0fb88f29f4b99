package io.greenshank.bridge.kerberos;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Kerberos client principal into the login name the directory is searched by: only user principals
 * ({@code name@REALM}, no instance) from accepted realms, mapped to {@code uid}/{@code sAMAccountName} or to a
 * {@code userPrincipalName}.
 */
public final class PrincipalMapper {
    private final Set<String> acceptedRealms;
    private final KerberosConfig.PrincipalMapping mapping;
    private final Map<String, String> upnSuffixes;

    public PrincipalMapper(Set<String> acceptedRealms, KerberosConfig.PrincipalMapping mapping,
                           Map<String, String> upnSuffixes) {
        this.acceptedRealms = Set.copyOf(acceptedRealms);
        this.mapping = mapping;
        this.upnSuffixes = Map.copyOf(upnSuffixes);
    }

    /** The mapping result. */
    public sealed interface Result {
    }

    /** @param login what to look the user up by; @param realm the principal's realm */
    public record Login(String login, String realm) implements Result {
    }

    public record Refused(RejectionReason reason, String detail) implements Result {
    }

    public Result map(String principal) {
        int at = lastUnescaped(principal, '@');
        if (at <= 0 || at == principal.length() - 1) {
            return new Refused(RejectionReason.NOT_A_USER, "principal " + principal + " has no realm");
        }
        String name = principal.substring(0, at);
        String realm = principal.substring(at + 1);
        if (!acceptedRealms.contains(realm)) {
            return new Refused(RejectionReason.REALM_NOT_ACCEPTED,
                    "realm " + realm + " of " + principal + " is not one of " + acceptedRealms);
        }
        if (lastUnescaped(name, '/') >= 0) {
            return new Refused(RejectionReason.NOT_A_USER, principal + " is not a user principal");
        }
        String unescaped = name.replace("\\@", "@").replace("\\/", "/");
        if (unescaped.isBlank() || unescaped.indexOf('\\') >= 0 || unescaped.chars().anyMatch(Character::isISOControl)) {
            return new Refused(RejectionReason.NOT_A_USER, "principal name " + principal + " is not a plain name");
        }
        return switch (mapping) {
            case UID -> new Login(unescaped, realm);
            case USER_PRINCIPAL_NAME -> {
                if (unescaped.contains("@")) {
                    // An enterprise principal (alice@example.com@REALM) already names its UPN.
                    yield new Login(unescaped, realm);
                }
                yield new Login(unescaped + "@" + upnSuffixes.getOrDefault(realm, realm.toLowerCase(Locale.ROOT)),
                        realm);
            }
        };
    }

    private static int lastUnescaped(String s, char c) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (s.charAt(i) == c && (i == 0 || s.charAt(i - 1) != '\\')) {
                return i;
            }
        }
        return -1;
    }
}
