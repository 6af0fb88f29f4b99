package io.greenshank.identity.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import java.util.Set;

/** One public key of an issuer, ready to check signatures, with the algorithms it may check. */
final class VerificationKey {

    static final int MIN_RSA_BITS = 2048;

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the raw 32-byte key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final String kid;
    private final Set<String> algorithms;
    private final JWSVerifier nimbus;
    private final PublicKey ed25519;

    private VerificationKey(String kid, Set<String> algorithms, JWSVerifier nimbus, PublicKey ed25519) {
        this.kid = kid;
        this.algorithms = algorithms;
        this.nimbus = nimbus;
        this.ed25519 = ed25519;
    }

    /** A usable signature key, or empty with the reason it was skipped in {@code why}. */
    static Optional<VerificationKey> of(JWK jwk, StringBuilder why) {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            why.append("use=").append(jwk.getKeyUse().getValue());
            return Optional.empty();
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            // RFC 7517 4.3: a key whose key_ops do not name "verify" is not for checking signatures
            why.append("key_ops ").append(jwk.getKeyOperations().stream().map(KeyOperation::identifier).sorted().toList())
                    .append(" does not include verify");
            return Optional.empty();
        }
        Set<String> algs;
        try {
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    why.append("RSA key shorter than ").append(MIN_RSA_BITS).append(" bits");
                    return Optional.empty();
                }
                if (RocaFingerprint.matches(rsa.getModulus().decodeToBigInteger())) {
                    why.append("RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key can be computed");
                    return Optional.empty();
                }
                algs = restrict(jwk, Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"));
                return Optional.of(new VerificationKey(jwk.getKeyID(), algs, new RSASSAVerifier(rsa.toPublicJWK()), null));
            }
            if (jwk instanceof ECKey ec) {
                String alg;
                if (Curve.P_256.equals(ec.getCurve())) {
                    alg = "ES256";
                } else if (Curve.P_384.equals(ec.getCurve())) {
                    alg = "ES384";
                } else if (Curve.P_521.equals(ec.getCurve())) {
                    alg = "ES512";
                } else {
                    why.append("unsupported EC curve ").append(ec.getCurve());
                    return Optional.empty();
                }
                algs = restrict(jwk, Set.of(alg));
                return Optional.of(new VerificationKey(jwk.getKeyID(), algs, new ECDSAVerifier(ec.toPublicJWK()), null));
            }
            if (jwk instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    why.append("unsupported OKP curve ").append(okp.getCurve());
                    return Optional.empty();
                }
                byte[] raw = okp.getX().decode();
                if (raw.length != 32) {
                    why.append("Ed25519 key is not 32 bytes");
                    return Optional.empty();
                }
                byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
                System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
                algs = restrict(jwk, Set.of("EdDSA"));
                return Optional.of(new VerificationKey(jwk.getKeyID(), algs, null, pk));
            }
        } catch (JOSEException | GeneralSecurityException e) {
            why.append("unusable key: ").append(e.getMessage());
            return Optional.empty();
        }
        why.append("key type ").append(jwk.getKeyType()).append(" cannot verify signatures");
        return Optional.empty();
    }

    /** A JWK that names its {@code alg} may only be used with exactly that algorithm. */
    private static Set<String> restrict(JWK jwk, Set<String> byType) {
        if (jwk.getAlgorithm() == null) {
            return byType;
        }
        String alg = jwk.getAlgorithm().getName();
        return byType.contains(alg) ? Set.of(alg) : Set.of();
    }

    String kid() {
        return kid;
    }

    boolean accepts(String alg) {
        return algorithms.contains(alg);
    }

    boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        try {
            if (nimbus != null) {
                return nimbus.verify(header, signingInput, signature);
            }
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            Signature sig = Signature.getInstance("Ed25519");
            sig.initVerify(ed25519);
            sig.update(signingInput);
            return sig.verify(signature.decode());
        } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
