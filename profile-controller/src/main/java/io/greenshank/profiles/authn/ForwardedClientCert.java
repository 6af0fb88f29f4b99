package io.greenshank.profiles.authn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Envoy's {@code x-forwarded-client-cert} header: comma-separated elements of {@code key=value} pairs joined by
 * {@code ;}, values optionally double-quoted (and then free to contain {@code , ; =} and escaped quotes).
 * The last element describes the hop that connected to this proxy.
 */
public record ForwardedClientCert(List<Map<String, String>> elements) {

    public ForwardedClientCert {
        elements = List.copyOf(elements);
    }

    public static Optional<ForwardedClientCert> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        List<Map<String, String>> elements = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < header.length()) {
                    value.append(header.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    value.append(c);
                }
            } else if (c == '"' && inValue && value.isEmpty()) {
                quoted = true;
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else if (c == ';' || c == ',') {
                if (!put(current, key, value, inValue)) {
                    return Optional.empty();
                }
                inValue = false;
                if (c == ',') {
                    elements.add(current);
                    current = new LinkedHashMap<>();
                }
            } else if (inValue) {
                value.append(c);
            } else if (!Character.isWhitespace(c)) {
                key.append(c);
            }
        }
        if (quoted || !put(current, key, value, inValue)) {
            return Optional.empty();
        }
        elements.add(current);
        return Optional.of(new ForwardedClientCert(elements));
    }

    private static boolean put(Map<String, String> element, StringBuilder key, StringBuilder value, boolean inValue) {
        if (key.isEmpty() && !inValue) {
            return true;
        }
        if (key.isEmpty() || !inValue) {
            return false;
        }
        element.merge(key.toString().toLowerCase(java.util.Locale.ROOT), value.toString(), (a, b) -> a + "," + b);
        key.setLength(0);
        value.setLength(0);
        return true;
    }

    /** The {@code URI} (the peer's SPIFFE id) of the last hop. */
    public Optional<String> lastPeerUri() {
        return elements.isEmpty() ? Optional.empty() : Optional.ofNullable(elements.get(elements.size() - 1).get("uri"));
    }
}
