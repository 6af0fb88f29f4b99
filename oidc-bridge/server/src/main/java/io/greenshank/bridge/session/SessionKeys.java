package io.greenshank.bridge.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets handed to clients, and the SHA-256 hashes that are all a store ever sees of them. */
public final class SessionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionKeys() {
    }

    /** {@code bytes} random bytes, base64url without padding: never contains {@code .}. */
    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Lower-case hex SHA-256 (64 characters): a valid Kubernetes name part. */
    public static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
