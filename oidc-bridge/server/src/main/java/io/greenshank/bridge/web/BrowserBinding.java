package io.greenshank.bridge.web;

import io.greenshank.bridge.session.SessionKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CSRF protection for the bridge's forms without server state: a random value in a {@code __Host-} cookie
 * (Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, so no other site or subdomain can set it), and its SHA-256 in
 * what the form carries (inside the sealed request of the login form, a hidden field of the device form). A post is
 * accepted only from the browser the form was shown to; any replica can check it. The cookie value itself never
 * appears in a page.
 */
public final class BrowserBinding {

    public static final String COOKIE = "__Host-greenshank-csrf";
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private BrowserBinding() {
    }

    /** The browser's current value when well-formed (reused so that two open forms both stay valid), else new. */
    public static Cookie forBrowser(String presented) {
        return valid(presented) ? new Cookie(presented, false) : new Cookie(SessionKeys.random(32), true);
    }

    /** The browser's cookie value, and whether it must be (re)set. */
    public record Cookie(String value, boolean fresh) {

        /** What a form carries: the value's hash, never the value. */
        public String binding() {
            return BrowserBinding.binding(value);
        }

        public String setCookieHeader() {
            return COOKIE + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Lax";
        }
    }

    static String binding(String value) {
        return SessionKeys.sha256Hex("greenshank-csrf:" + value);
    }

    /** Whether {@code presented} (the post's cookie) is the browser the form with {@code bound} was shown to. */
    public static boolean matches(String presented, Optional<String> bound) {
        if (!valid(presented) || bound.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(binding(presented).getBytes(StandardCharsets.US_ASCII),
                bound.get().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A post's {@code Origin} (sent by every current browser on a form post): absent is left to the cookie check,
     * anything else must be the issuer's own origin.
     */
    public static boolean sameOrigin(String origin, String issuer) {
        if (origin == null) {
            return true;
        }
        try {
            java.net.URI i = java.net.URI.create(issuer);
            java.net.URI o = java.net.URI.create(origin);
            return o.getPath() != null && o.getPath().isEmpty() && o.getQuery() == null
                    && i.getScheme().equalsIgnoreCase(o.getScheme()) && i.getHost().equalsIgnoreCase(o.getHost())
                    && port(i) == port(o);
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static int port(java.net.URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static boolean valid(String v) {
        return v != null && VALUE.matcher(v).matches();
    }
}
