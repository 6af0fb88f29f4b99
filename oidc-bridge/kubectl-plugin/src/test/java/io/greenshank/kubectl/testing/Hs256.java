package io.greenshank.kubectl.testing;

import io.greenshank.kubectl.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JWTs shared by the test token endpoint and the test API server, which verifies what it is shown. */
public final class Hs256 {
    private final byte[] key;

    public Hs256(byte[] key) {
        this.key = key.clone();
    }

    public String sign(Map<String, Object> claims) {
        String header = b64(Json.write(Map.of("alg", "HS256", "typ", "JWT"), 0).getBytes(StandardCharsets.UTF_8));
        String payload = b64(Json.write(claims, 0).getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + b64(mac(header + "." + payload));
    }

    /** The claims of a token this key signed, or empty when the signature does not verify. */
    public Optional<Map<String, Object>> verify(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        byte[] expected = mac(parts[0] + "." + parts[1]);
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        return Optional.of(Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8)));
    }

    private byte[] mac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
