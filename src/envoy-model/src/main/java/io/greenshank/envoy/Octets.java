package io.greenshank.envoy;

import java.nio.charset.StandardCharsets;

/** Converts between text and the one-char-per-byte form header values travel in. */
public final class Octets {

    private Octets() {
    }

    /** The UTF-8 bytes of {@code text}, one char per byte: how a proto string reaches Envoy's header map. */
    public static String fromUtf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Reads octets as UTF-8 text (malformed input becomes U+FFFD). */
    public static String toUtf8(String octets) {
        return new String(bytes(octets), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String octets) {
        for (int i = 0; i < octets.length(); i++) {
            if (octets.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("header values are octets (one char per byte); use Octets.fromUtf8 for text: "
                        + octets);
            }
        }
        return octets.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A proto {@code string} must be valid UTF-8; Envoy replaces what is not. Valid sequences are kept, every byte
     * that does not start one becomes {@code '!'}.
     */
    // source/common/protobuf/utility.cc, MessageUtil::sanitizeUtf8String (used by CheckRequestUtils for every value)
    static String sanitizedUtf8(String octets) {
        byte[] b = bytes(octets);
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int len = validSequenceLength(b, i);
            if (len == 0) {
                out.append('!');
                i++;
            } else {
                out.append(new String(b, i, len, StandardCharsets.UTF_8));
                i += len;
            }
        }
        return out.toString();
    }

    private static int validSequenceLength(byte[] b, int i) {
        int c = b[i] & 0xFF;
        if (c < 0x80) {
            return 1;
        }
        int len;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int cp = c & (0xFF >> (len + 1));
        for (int k = 1; k < len; k++) {
            int cc = b[i + k] & 0xFF;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return len;
    }
}
