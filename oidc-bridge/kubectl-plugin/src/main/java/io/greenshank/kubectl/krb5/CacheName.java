package io.greenshank.kubectl.krb5;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The name of the user's default credential cache, found the way MIT {@code krb5_cc_default_name} finds it:
 * {@code KRB5CCNAME}, then {@code default_ccache_name} in {@code [libdefaults]}, then the built-in
 * {@code FILE:/tmp/krb5cc_%{uid}} (Debian's and Fedora's {@code DEFCCNAME}), with {@code %{...}} tokens expanded.
 *
 * @param type     {@code FILE}, {@code DIR}, {@code KCM}, {@code KEYRING}, … (upper case, as MIT spells them)
 * @param residual what follows the type, e.g. a path for {@code FILE} and {@code DIR}
 * @param origin   where the name came from, for messages: "KRB5CCNAME", "default_ccache_name in /etc/krb5.conf"
 */
public record CacheName(String type, String residual, String origin) {
    static final String BUILT_IN_DEFAULT = "FILE:/tmp/krb5cc_%{uid}";

    /** The default cache name for a process started with {@code env} as user {@code uid}. */
    public static CacheName resolve(Map<String, String> env, long uid) throws InvalidCacheName {
        PathTokens tokens = PathTokens.of(env, uid);
        String fromEnv = env.get("KRB5CCNAME");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return parse(fromEnv, "KRB5CCNAME", tokens);
        }
        Optional<Krb5Profile.Relation> configured;
        try {
            configured = Krb5Profile.load(env).libdefault("default_ccache_name");
        } catch (IOException e) {
            throw new InvalidCacheName("cannot read the Kerberos configuration ("
                    + env.getOrDefault("KRB5_CONFIG", Krb5Profile.DEFAULT_PATH) + "): " + e.getMessage());
        }
        if (configured.isPresent()) {
            return parse(configured.get().value(), "default_ccache_name in " + configured.get().file(), tokens);
        }
        return parse(BUILT_IN_DEFAULT, "MIT's built-in default", tokens);
    }

    /**
     * Splits {@code TYPE:residual} as {@code krb5_cc_resolve} does: no colon (or a one-letter prefix, a Windows
     * drive) means a {@code FILE} path.
     */
    static CacheName parse(String name, String origin, PathTokens tokens) throws InvalidCacheName {
        String expanded;
        try {
            expanded = tokens.expand(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidCacheName("the Kerberos ticket cache name from " + origin + " is invalid: "
                    + e.getMessage());
        }
        int colon = expanded.indexOf(':');
        if (colon <= 1) {
            return new CacheName("FILE", expanded, origin);
        }
        return new CacheName(expanded.substring(0, colon).toUpperCase(java.util.Locale.ROOT),
                expanded.substring(colon + 1), origin);
    }

    /** {@code TYPE:residual}, as {@code klist} prints it. */
    @Override
    public String toString() {
        return type + ":" + residual;
    }

    /** {@code KCM:0 (from KRB5CCNAME)}: which cache, and why that one. */
    public String describe() {
        return this + " (from " + origin + ")";
    }

    /** The cache name is malformed, or names a kind of cache a separate process cannot read. */
    public static final class InvalidCacheName extends Exception {
        public InvalidCacheName(String message) {
            super(message);
        }
    }
}
