package io.greenshank.bridge.session;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * What a store needs to know about one kind of session value.
 *
 * @param name    lower-case and hyphenated, e.g. {@code refresh-family}: a Kubernetes label value, part of the
 *                Secret's type and name
 * @param expiry  when a value expires; a sweep removes it after that
 * @param indexer secondary lookup attributes (e.g. subject, client); empty when values are only found by key
 * @param encoder the value as JSON; it may contain personal data (groups, email), never a token or code
 * @param decoder the inverse; throws {@link IllegalArgumentException} for anything that is not such a value
 */
public record SessionKind<V>(String name, Function<V, Instant> expiry, Function<V, Map<String, String>> indexer,
                             Function<V, String> encoder, Function<String, V> decoder) {

    public Instant expiresAt(V value) {
        return expiry.apply(value);
    }

    public Map<String, String> index(V value) {
        return indexer.apply(value);
    }

    public String encode(V value) {
        return encoder.apply(value);
    }

    public V decode(String json) {
        return decoder.apply(json);
    }
}
