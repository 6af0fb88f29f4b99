package io.greenshank.bridge.oidc;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** The scopes this provider knows; unknown ones are dropped rather than echoed. */
public final class Scopes {
    static final Set<String> SUPPORTED = Set.of("openid", "profile", "email", "groups", "offline_access");

    private Scopes() {
    }

    public static Set<String> parse(Optional<String> scope) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : scope.orElse("openid").trim().split("\\s+")) {
            if (SUPPORTED.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
