package io.greenshank.identity.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of one issuer's usable keys, as of one successful fetch. */
final class IssuerKeys {

    private final List<VerificationKey> keys;
    private final Map<String, List<VerificationKey>> byKid;
    private final Instant fetchedAt;

    private IssuerKeys(List<VerificationKey> keys, Instant fetchedAt) {
        this.keys = List.copyOf(keys);
        Map<String, List<VerificationKey>> m = new HashMap<>();
        for (VerificationKey k : keys) {
            if (k.kid() != null) {
                m.computeIfAbsent(k.kid(), x -> new ArrayList<>()).add(k);
            }
        }
        this.byKid = Map.copyOf(m);
        this.fetchedAt = fetchedAt;
    }

    /** Parses a JWKS document, keeping only public signature keys; unusable keys are skipped, not fatal. */
    static IssuerKeys parse(String jwksJson, Instant fetchedAt) throws JwksFetchException {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(jwksJson);
        } catch (ParseException | RuntimeException e) {
            throw new JwksFetchException("JWKS is not a JSON object");
        }
        if (doc == null) {
            throw new JwksFetchException("JWKS is not a JSON object"); // the parser answers null for "null"
        }
        if (!(doc.get("keys") instanceof List<?> list)) {
            throw new JwksFetchException("JWKS has no \"keys\" array");
        }
        List<VerificationKey> keys = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> map)) {
                skipped.add("non-object entry");
                continue;
            }
            StringBuilder why = new StringBuilder();
            try {
                @SuppressWarnings("unchecked")
                JWK jwk = JWK.parse((Map<String, Object>) map);
                JWK publicPart = jwk.isPrivate() ? jwk.toPublicJWK() : jwk;
                if (publicPart == null) {
                    skipped.add("symmetric key " + jwk.getKeyType());
                    continue;
                }
                VerificationKey.of(publicPart, why).ifPresentOrElse(keys::add, () -> skipped.add(why.toString()));
            } catch (ParseException e) {
                skipped.add("unparsable JWK");
            }
        }
        if (keys.isEmpty()) {
            throw new JwksFetchException("JWKS has no usable signature keys" + (skipped.isEmpty() ? "" : " " + skipped));
        }
        return new IssuerKeys(keys, fetchedAt);
    }

    Instant fetchedAt() {
        return fetchedAt;
    }

    int size() {
        return keys.size();
    }

    boolean hasKid(String kid) {
        return byKid.containsKey(kid);
    }

    /** The key for this kid and algorithm; a token without kid is accepted only if exactly one key fits. */
    VerificationKey select(String kid, String alg) throws TokenRejectedException {
        if (kid != null) {
            List<VerificationKey> candidates = byKid.get(kid);
            if (candidates == null) {
                throw new TokenRejectedException(RejectReason.KID_UNKNOWN, "kid " + Safe.text(kid));
            }
            for (VerificationKey k : candidates) {
                if (k.accepts(alg)) {
                    return k;
                }
            }
            throw new TokenRejectedException(RejectReason.ALG_NOT_ALLOWED,
                    "key " + Safe.text(kid) + " is not for " + alg);
        }
        VerificationKey only = null;
        int fitting = 0;
        for (VerificationKey k : keys) {
            if (k.accepts(alg)) {
                only = k;
                fitting++;
            }
        }
        if (keys.size() == 1 && fitting == 1) {
            return only;
        }
        if (fitting == 0) {
            throw new TokenRejectedException(RejectReason.ALG_NOT_ALLOWED, "no key for " + alg);
        }
        throw new TokenRejectedException(RejectReason.KID_MISSING, keys.size() + " keys");
    }
}
