package io.greenshank.authz.jwt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of a token, as a map key: the token itself is never kept as a key that could leak into a dump or log. */
record TokenKey(long a, long b, long c, long d) {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static TokenKey of(String token) {
        MessageDigest md = SHA256.get();
        byte[] h = md.digest(token.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer bb = ByteBuffer.wrap(h);
        return new TokenKey(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }

    @Override
    public String toString() {
        return "TokenKey[" + Long.toHexString(a) + "...]";
    }
}
