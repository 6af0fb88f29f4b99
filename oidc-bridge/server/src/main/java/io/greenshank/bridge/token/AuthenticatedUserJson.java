package io.greenshank.bridge.token;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.session.JsonFields;
import io.greenshank.identity.AuthMethod;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link AuthenticatedUser} as stored with a session: the fields tokens are minted from, nothing more. */
public final class AuthenticatedUserJson {

    private AuthenticatedUserJson() {
    }

    public static Map<String, Object> toMap(AuthenticatedUser au) {
        DirectoryUser u = au.user();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", u.subject());
        m.put("username", u.username());
        m.put("dn", u.dn());
        u.email().ifPresent(e -> m.put("email", e));
        u.name().ifPresent(n -> m.put("name", n));
        m.put("groups", u.groups());
        m.put("status", u.status().name());
        m.put("methods", au.methods().stream().map(AuthMethod::name).toList());
        m.put("authTime", au.authTime().toString());
        return m;
    }

    /** @throws IllegalArgumentException when {@code f} is not a stored user */
    public static AuthenticatedUser fromFields(JsonFields f) {
        DirectoryUser u = new DirectoryUser(f.string("subject"), f.string("username"), f.string("dn"),
                f.optional("email"), f.optional("name"), f.strings("groups"),
                AccountStatus.valueOf(f.string("status")));
        return new AuthenticatedUser(u, f.strings("methods").stream().map(AuthMethod::valueOf).toList(),
                f.instant("authTime"));
    }
}
