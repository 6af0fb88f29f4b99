package io.greenshank.bridge.oidc;

import io.greenshank.bridge.token.AuthenticatedUser;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Single-use authorization codes, short-lived, bound to client, redirect URI and PKCE challenge. */
public final class AuthorizationCodes {

    public record Code(String clientId, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce,
                       Set<String> scopes, AuthenticatedUser user, Instant expiresAt) {
    }

    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Code> codes = new ConcurrentHashMap<>();

    public AuthorizationCodes(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(String clientId, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce,
                        Set<String> scopes, AuthenticatedUser user) {
        Instant now = clock.instant();
        if (codes.size() > 10_000) {
            codes.values().removeIf(c -> c.expiresAt().isBefore(now));
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        codes.put(code, new Code(clientId, redirectUri, codeChallenge, nonce, Set.copyOf(scopes), user,
                now.plus(lifetime)));
        return code;
    }

    /** Removes and returns the code: a second redemption finds nothing. */
    public Optional<Code> redeem(String code) {
        Code c = codes.remove(code);
        if (c == null || c.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(c);
    }
}
