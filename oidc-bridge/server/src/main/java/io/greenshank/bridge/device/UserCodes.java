package io.greenshank.bridge.device;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * User codes as RFC 8628 §6.1 recommends: eight characters from the twenty consonants {@value #ALPHABET} (no vowels,
 * so no words; no digits or look-alikes), shown as {@code XXXX-XXXX}: 20^8 ≈ 2^34.6 codes. Input is read
 * case-insensitively, ignoring dashes and spaces.
 */
public final class UserCodes {

    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private UserCodes() {
    }

    /** A new code, as shown to the user. */
    public static String generate() {
        StringBuilder b = new StringBuilder(LENGTH + 1);
        for (int i = 0; i < LENGTH; i++) {
            if (i == LENGTH / 2) {
                b.append('-');
            }
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** The canonical form of what a user typed, or empty when it cannot be a user code. */
    public static Optional<String> normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(LENGTH);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ') {
                continue;
            }
            if (ALPHABET.indexOf(c) < 0) {
                return Optional.empty();
            }
            b.append(c);
        }
        return b.length() == LENGTH ? Optional.of(b.toString()) : Optional.empty();
    }

    /** The display form {@code XXXX-XXXX} of a canonical code. */
    public static String display(String canonical) {
        return canonical.substring(0, LENGTH / 2) + "-" + canonical.substring(LENGTH / 2);
    }
}
