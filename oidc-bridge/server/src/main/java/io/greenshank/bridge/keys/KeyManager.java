package io.greenshank.bridge.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps the signing keys: loads them from the store, rotates them when due (storing with compare-and-set so
 * replicas agree), and serves the current signer and the published JWKS.
 */
public final class KeyManager {

    private static final Logger LOG = Logger.getLogger(KeyManager.class);

    /** What the token minter signs with. */
    public record Signing(String kid, JWSAlgorithm algorithm, JWSSigner signer) {
    }

    private final KeyRingStore store;
    private final Clock clock;
    private final Duration period;
    private final Duration publishAhead;
    private final Duration maxTokenLifetime;
    private final KeyGenerator generator;
    private final SignatureProvider signatureProvider;
    private final Map<String, Signing> signers = new ConcurrentHashMap<>();
    private volatile KeyRing ring;
    private volatile JWKSet publicSet;
    private volatile String jwksJson;

    public KeyManager(KeyRingStore store, Clock clock, Duration period, Duration publishAhead,
                      Duration maxTokenLifetime, KeyGenerator generator) {
        this(store, clock, period, publishAhead, maxTokenLifetime, generator, SignatureProvider.jdk(""));
    }

    public KeyManager(KeyRingStore store, Clock clock, Duration period, Duration publishAhead,
                      Duration maxTokenLifetime, KeyGenerator generator, SignatureProvider signatureProvider) {
        this.store = store;
        this.clock = clock;
        this.period = period;
        this.publishAhead = publishAhead;
        this.maxTokenLifetime = maxTokenLifetime;
        this.generator = generator;
        this.signatureProvider = signatureProvider;
    }

    public static KeyGenerator generator(String algorithm) {
        return KeyGenerator.forAlgorithm(algorithm);
    }

    /**
     * Re-reads the store and rotates if due. Safe to call from every replica at any time: level-triggered,
     * idempotent, and a lost compare-and-set race just re-reads the winner's ring.
     */
    public synchronized KeyRing refresh() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = clock.instant();
            Optional<KeyRingStore.Versioned> stored = store.load();
            KeyRing current = stored.map(KeyRingStore.Versioned::ring).orElse(KeyRing.empty());
            KeyRing wanted = current.rotate(now, period, publishAhead, maxTokenLifetime, generator);
            if (sameKeys(current, wanted)) {
                install(current, now);
                return current;
            }
            if (store.save(wanted, stored.map(KeyRingStore.Versioned::version))) {
                LOG.infof("signing keys rotated: %s", wanted);
                install(wanted, now);
                return wanted;
            }
            LOG.debug("another replica stored the key ring first; re-reading");
        }
        throw new IllegalStateException("could not store the key ring after 5 attempts");
    }

    private static boolean sameKeys(KeyRing a, KeyRing b) {
        return kids(a).equals(kids(b));
    }

    private static List<String> kids(KeyRing r) {
        return r.keys().stream().map(k -> k.kid() + "@" + k.signsFrom()).toList();
    }

    private void install(KeyRing r, Instant now) {
        ring = r;
        publicSet = r.publicSet(now, maxTokenLifetime);
        jwksJson = publicSet.toString(true);
    }

    public Signing signer() {
        KeyRing r = ring;
        if (r == null) {
            throw new IllegalStateException("signing keys not loaded");
        }
        ManagedKey k = r.signer(clock.instant());
        return signers.computeIfAbsent(k.kid(), kid -> toSigning(k.jwk()));
    }

    private Signing toSigning(JWK jwk) {
        try {
            return new Signing(jwk.getKeyID(), KeyGenerator.algorithmOf(jwk),
                    signatureProvider.signer(jwk));
        } catch (JOSEException | RuntimeException e) {
            throw new IllegalStateException("unusable signing key " + jwk.getKeyID(), e);
        }
    }

    /** The public keys to verify with (published ones). */
    public JWKSet publicKeys() {
        return publicSet;
    }

    /** The JWKS document, serialised once per refresh so serving it costs nothing. */
    public String jwksJson() {
        return jwksJson;
    }

    public KeyRing ring() {
        return ring;
    }
}
