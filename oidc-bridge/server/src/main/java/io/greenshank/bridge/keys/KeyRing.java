package io.greenshank.bridge.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of signing keys, ordered by when they start signing. Immutable: rotation returns a new ring, so
 * replicas can compute it independently and store it with compare-and-set.
 */
public record KeyRing(List<ManagedKey> keys) {

    public KeyRing {
        keys = keys.stream().sorted(Comparator.comparing(ManagedKey::signsFrom)).toList();
    }

    public static KeyRing empty() {
        return new KeyRing(List.of());
    }

    /** The key that signs at {@code now}: the latest one whose start has passed. */
    public ManagedKey signer(Instant now) {
        ManagedKey current = null;
        for (ManagedKey k : keys) {
            if (!k.signsFrom().isAfter(now)) {
                current = k;
            }
        }
        if (current == null) {
            throw new IllegalStateException("no signing key is active yet");
        }
        return current;
    }

    /**
     * Keys to publish at {@code now}: every future key (published before it signs), the signer, and every
     * predecessor that may still have unexpired tokens ({@code maxTokenLifetime} after it stopped signing).
     */
    public List<ManagedKey> published(Instant now, Duration maxTokenLifetime) {
        List<ManagedKey> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            ManagedKey k = keys.get(i);
            Instant stoppedSigning = i + 1 < keys.size() ? keys.get(i + 1).signsFrom() : null;
            if (stoppedSigning == null || stoppedSigning.isAfter(now)
                    || stoppedSigning.plus(maxTokenLifetime).isAfter(now)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * The ring as it should be at {@code now}: a first key if there is none, a successor published
     * {@code publishAhead} before the signer's period ends, and expired predecessors dropped. When the configured
     * algorithm has changed, a key of the new kind is published at once and signs after {@code publishAhead}
     * (relying parties must have fetched it first); the old signer stays published until its tokens expire.
     */
    public KeyRing rotate(Instant now, Duration period, Duration publishAhead, Duration maxTokenLifetime,
                          KeyGenerator generator) {
        List<ManagedKey> next = new ArrayList<>(published(now, maxTokenLifetime));
        if (next.isEmpty()) {
            next.add(new ManagedKey(generator.get(), now, now));
            return new KeyRing(next);
        }
        // A waiting successor of the old kind has signed nothing: nothing can depend on it.
        next.removeIf(k -> k.signsFrom().isAfter(now) && !generator.makes(k.jwk()));
        ManagedKey newest = next.get(next.size() - 1);
        if (!generator.makes(newest.jwk())) {
            next.add(new ManagedKey(generator.get(), now, now.plus(publishAhead)));
            return new KeyRing(next);
        }
        Instant newestEnds = newest.signsFrom().plus(period);
        if (!newest.signsFrom().isAfter(now) && !newestEnds.minus(publishAhead).isAfter(now)) {
            // The successor must be public for publishAhead before it signs, even if we are late.
            Instant start = newestEnds.isBefore(now.plus(publishAhead)) ? now.plus(publishAhead) : newestEnds;
            next.add(new ManagedKey(generator.get(), now, start));
        }
        return new KeyRing(next);
    }

    public JWKSet publicSet(Instant now, Duration maxTokenLifetime) {
        return new JWKSet(published(now, maxTokenLifetime).stream().map(k -> k.jwk().toPublicJWK()).toList());
    }

    public String toJson() {
        List<Object> list = new ArrayList<>();
        for (ManagedKey k : keys) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jwk", k.jwk().toJSONObject());
            m.put("createdAt", k.createdAt().toString());
            m.put("signsFrom", k.signsFrom().toString());
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("keys", list);
        return JSONObjectUtils.toJSONString(root);
    }

    public static KeyRing fromJson(String json) throws ParseException {
        Map<String, Object> root = JSONObjectUtils.parse(json);
        List<ManagedKey> keys = new ArrayList<>();
        for (Object o : JSONObjectUtils.getJSONArray(root, "keys")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            keys.add(new ManagedKey(JWK.parse(JSONObjectUtils.getJSONObject(m, "jwk")),
                    Instant.parse(JSONObjectUtils.getString(m, "createdAt")),
                    Instant.parse(JSONObjectUtils.getString(m, "signsFrom"))));
        }
        return new KeyRing(keys);
    }

    @Override
    public String toString() {
        // Private keys stay out of logs.
        return "KeyRing" + keys.stream().map(k -> k.kid() + "@" + k.signsFrom()).toList();
    }
}
