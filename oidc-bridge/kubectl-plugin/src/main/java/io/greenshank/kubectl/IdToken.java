package io.greenshank.kubectl;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * An ID token as the plugin sees it: opaque to kubectl, decoded here only to learn when it expires and to show its
 * claims. The plugin does not verify the signature: the API server does, and the token came over TLS from the bridge.
 */
public record IdToken(String raw, Map<String, Object> header, Map<String, Object> claims, Instant expiresAt) {

    public static IdToken parse(String raw) {
        String[] parts = raw.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a signed JWT");
        }
        Map<String, Object> header = Json.parseObject(decode(parts[0]));
        Map<String, Object> claims = Json.parseObject(decode(parts[1]));
        if (!(claims.get("exp") instanceof Number exp)) {
            throw new IllegalArgumentException("the token has no exp claim");
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(exp.longValue());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("the token's exp " + exp + " is not a representable time");
        }
        return new IdToken(raw, header, claims, expiresAt);
    }

    /** Whether the token is still good for at least {@code marginSeconds} after {@code now}. */
    public boolean validAt(Instant now, long marginSeconds) {
        return now.plusSeconds(marginSeconds).isBefore(expiresAt);
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
