package io.greenshank.identity.jwt;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises RSA moduli made by the flawed Infineon key generator (ROCA, CVE-2017-15361; Nemec et al., "The Return
 * of Coppersmith's Attack", CCS 2017), whose private keys can be computed from the public key.
 *
 * <p>That generator makes every prime as {@code k·M + (65537^a mod M)} with {@code M} a primorial, so for each small
 * prime {@code r} dividing {@code M}, both primes, and therefore the modulus, are powers of 65537 modulo {@code r}.
 * For every key size of 992 bits and more {@code M} includes all primes up to 353, so such a modulus passes the test
 * below for all of them; a modulus from any other generator passes it with probability about 2^-83.
 */
final class RocaFingerprint {

    private static final int GENERATOR = 65537;
    private static final int LARGEST_PRIME = 353;

    private static final int[] PRIMES;
    /** POWERS[i][x]: x is a power of 65537 modulo PRIMES[i]. */
    private static final boolean[][] POWERS;

    static {
        List<Integer> primes = new ArrayList<>();
        for (int p = 3; p <= LARGEST_PRIME; p += 2) {
            if (BigInteger.valueOf(p).isProbablePrime(64)) {
                primes.add(p);
            }
        }
        PRIMES = primes.stream().mapToInt(Integer::intValue).toArray();
        POWERS = new boolean[PRIMES.length][];
        for (int i = 0; i < PRIMES.length; i++) {
            int p = PRIMES[i];
            boolean[] powers = new boolean[p];
            int g = GENERATOR % p;
            int x = 1;
            do {
                powers[x] = true;
                x = x * g % p;
            } while (x != 1);
            POWERS[i] = powers;
        }
    }

    private RocaFingerprint() {
    }

    /** True when the modulus has the ROCA fingerprint (meaningful for moduli of 992 bits and more). */
    static boolean matches(BigInteger modulus) {
        for (int i = 0; i < PRIMES.length; i++) {
            if (!POWERS[i][modulus.mod(BigInteger.valueOf(PRIMES[i])).intValue()]) {
                return false;
            }
        }
        return true;
    }
}
