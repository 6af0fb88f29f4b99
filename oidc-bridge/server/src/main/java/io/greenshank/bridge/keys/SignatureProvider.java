package io.greenshank.bridge.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Optional;

/**
 * The JCA provider that computes token signatures. The JDK's own RSA and ECDSA are pure Java and slow (on the
 * reference machine about 1 ms per RS256 and 0.6 ms per ES256 signature), which makes signing the most expensive
 * step of every grant. Amazon Corretto Crypto Provider runs the same algorithms in AWS-LC (about 0.25 ms and
 * 0.02 ms there). It ships native code for Linux x86_64 only, so it is looked up by name and used only when it
 * loads and reports itself healthy; everywhere else (other platforms, native images) the JDK signs.
 *
 * @param provider the provider to sign with; empty means the JDK's default
 * @param description what signs, for the start-up log
 */
public record SignatureProvider(Optional<Provider> provider, String description) {

    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    public static SignatureProvider jdk(String why) {
        return new SignatureProvider(Optional.empty(), "the JDK's providers" + (why.isEmpty() ? "" : " (" + why + ")"));
    }

    /**
     * @param choice {@code auto} (AWS-LC when it loads, else the JDK), {@code accp} (AWS-LC or fail start-up) or
     *               {@code jdk}
     */
    public static SignatureProvider select(String choice) {
        return switch (choice) {
            case "jdk" -> jdk("");
            case "auto" -> {
                AccpProbe probe = probeAccp();
                yield probe.provider().map(SignatureProvider::accp).orElseGet(() -> jdk(probe.unusableBecause()));
            }
            case "accp" -> {
                AccpProbe probe = probeAccp();
                yield probe.provider().map(SignatureProvider::accp).orElseThrow(() -> new IllegalStateException(
                        "greenshank.bridge.keys.crypto-provider=accp, but Amazon Corretto Crypto Provider is unusable: "
                                + probe.unusableBecause()));
            }
            default -> throw new IllegalArgumentException(
                    "greenshank.bridge.keys.crypto-provider must be auto, accp or jdk, not " + choice);
        };
    }

    /**
     * The key in the provider's own form. Handed a JDK key, AWS-LC converts it to a native key on every signature
     * (three times the cost of an RS256 signature); converted once here, it signs without that step.
     */
    public PrivateKey nativeKey(PrivateKey key) {
        if (provider.isEmpty()) {
            return key;
        }
        try {
            return (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider.get()).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.get().getName() + " cannot use a " + key.getAlgorithm()
                    + " signing key", e);
        }
    }

    /** A Nimbus signer for the key: the algorithm follows the key type (RS256 for RSA, ES256 for P-256). */
    public JWSSigner signer(JWK jwk) throws JOSEException {
        JWSSigner signer;
        if (jwk instanceof RSAKey rsa) {
            signer = new RSASSASigner(nativeKey(rsa.toPrivateKey()));
        } else if (jwk instanceof ECKey ec) {
            signer = new ECDSASigner(nativeKey(ec.toPrivateKey()), ec.getCurve());
        } else {
            throw new IllegalArgumentException("unsupported signing key type " + jwk.getKeyType());
        }
        provider.ifPresent(p -> signer.getJCAContext().setProvider(p));
        return signer;
    }

    private static SignatureProvider accp(Provider p) {
        return new SignatureProvider(Optional.of(p), "AWS-LC through " + p.getName() + " " + p.getVersionStr());
    }

    /** The provider when it loaded and passed its self-test, or why not. */
    private record AccpProbe(Optional<Provider> provider, String unusableBecause) {
    }

    private static AccpProbe probeAccp() {
        try {
            Class<?> c = Class.forName(ACCP_CLASS);
            Provider p = (Provider) c.getField("INSTANCE").get(null);
            Object error = c.getMethod("getLoadingError").invoke(p);
            if (error != null) {
                return new AccpProbe(Optional.empty(), "native library did not load: " + error);
            }
            c.getMethod("assertHealthy").invoke(p);
            return new AccpProbe(Optional.of(p), "");
        } catch (ClassNotFoundException e) {
            return new AccpProbe(Optional.empty(), "Amazon Corretto Crypto Provider is not on the class path");
        } catch (java.lang.reflect.InvocationTargetException e) {
            return new AccpProbe(Optional.empty(), "failed its self-test: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new AccpProbe(Optional.empty(), "Amazon Corretto Crypto Provider did not load: " + e);
        }
    }
}
