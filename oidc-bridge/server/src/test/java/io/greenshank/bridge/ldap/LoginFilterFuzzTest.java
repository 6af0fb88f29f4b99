package io.greenshank.bridge.ldap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SingleServerSet;
import io.greenshank.bridge.kerberos.KerberosConfig;
import io.greenshank.bridge.kerberos.PrincipalMapper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the LDAP search filter built from what a user types (the login form, the password grant's
 * {@code username}) or what a Kerberos client principal maps to ({@link PrincipalMapper}). Input: the first byte
 * picks the source (even: the login as typed; odd: a principal {@code name@EXAMPLE.TEST} mapped by UPN). Property:
 * an escaped value never changes the filter's structure: the filter is always AND(the preset's user filter,
 * OR(one equality per login attribute)) whose assertion values are exactly the login, and its string form parses
 * back to the same filter.
 */
class LoginFilterFuzzTest {

    private static final LdapSettings SETTINGS = LdapSettings.of(Preset.ACTIVE_DIRECTORY, List.of("ldap://127.0.0.1:9"),
            null, null, "dc=example,dc=test", "dc=example,dc=test");
    private static final LdapDirectory DIRECTORY = directory();
    private static final PrincipalMapper PRINCIPALS = new PrincipalMapper(Set.of("EXAMPLE.TEST"),
            KerberosConfig.PrincipalMapping.USER_PRINCIPAL_NAME, Map.of("EXAMPLE.TEST", "example.test"));

    @FuzzTest(maxDuration = "5m")
    void loginFilter(byte[] input) throws LDAPException {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String login;
        if ((input[0] & 1) == 0) {
            login = text;
        } else if (PRINCIPALS.map(text + "@EXAMPLE.TEST") instanceof PrincipalMapper.Login l) {
            login = l.login();
        } else {
            return;
        }
        Filter f = DIRECTORY.loginFilter(login);
        assertThat(f.getFilterType()).isEqualTo(Filter.FILTER_TYPE_AND);
        assertThat(f.getComponents()).hasSize(2);
        assertThat(f.getComponents()[0]).isEqualTo(Filter.create(SETTINGS.userFilter()));
        Filter anyOf = f.getComponents()[1];
        assertThat(anyOf.getFilterType()).isEqualTo(Filter.FILTER_TYPE_OR);
        assertThat(Arrays.stream(anyOf.getComponents()).map(Filter::getAttributeName).toList())
                .isEqualTo(SETTINGS.loginAttributes());
        for (Filter eq : anyOf.getComponents()) {
            assertThat(eq.getFilterType()).isEqualTo(Filter.FILTER_TYPE_EQUALITY);
            assertThat(eq.getAssertionValueBytes()).isEqualTo(login.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Filter.create(f.toString())).isEqualTo(f);
    }

    private static LdapDirectory directory() {
        try {
            // nothing listens on port 9: the pools start empty and no search is made
            return new LdapDirectory(SETTINGS, new SingleServerSet("127.0.0.1", 9));
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }
}
