package io.greenshank.bridge.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.UUID;
import java.util.function.Supplier;

/** Makes new signing keys for the configured algorithm, and tells whether a stored key is one of them. */
public final class KeyGenerator implements Supplier<JWK> {

    private final JWSAlgorithm algorithm;

    private KeyGenerator(JWSAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    /** @param algorithm {@code RS256} (RSA 2048) or {@code ES256} (P-256) */
    public static KeyGenerator forAlgorithm(String algorithm) {
        return switch (algorithm) {
            case "RS256" -> new KeyGenerator(JWSAlgorithm.RS256);
            case "ES256" -> new KeyGenerator(JWSAlgorithm.ES256);
            default -> throw new IllegalArgumentException(
                    "greenshank.bridge.keys.algorithm must be RS256 or ES256, not " + algorithm);
        };
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** The algorithm a stored key signs with: its own {@code alg}, or what its type implies for older keys. */
    public static JWSAlgorithm algorithmOf(JWK key) {
        if (key.getAlgorithm() != null) {
            return JWSAlgorithm.parse(key.getAlgorithm().getName());
        }
        return key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
    }

    /** Whether {@code key} is of the kind this generator makes. */
    public boolean makes(JWK key) {
        return algorithm.equals(algorithmOf(key));
    }

    @Override
    public JWK get() {
        try {
            String kid = UUID.randomUUID().toString();
            return JWSAlgorithm.RS256.equals(algorithm)
                    ? new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).keyID(kid).generate()
                    : new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).keyID(kid)
                            .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key", e);
        }
    }

    @Override
    public String toString() {
        return algorithm.getName();
    }
}
