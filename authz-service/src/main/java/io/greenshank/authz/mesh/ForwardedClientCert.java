package io.greenshank.authz.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Envoy's {@code x-forwarded-client-cert} header: comma-separated elements, one per proxy hop that saw a client
 * certificate, each a semicolon-separated list of {@code Key=Value} pairs ({@code By}, {@code Hash}, {@code Cert},
 * {@code Chain}, {@code Subject}, {@code URI}, {@code DNS}; keys case-insensitive, a key may repeat). A value holding
 * {@code ,}, {@code ;} or {@code =} is double-quoted, with {@code "} inside written {@code \"}. The last element is
 * the one the nearest Envoy added about its direct peer.
 */
public record ForwardedClientCert(List<Element> elements) {

    /** One hop's pairs, in header order. */
    public record Element(List<Pair> pairs) {
        public Element {
            pairs = List.copyOf(pairs);
        }

        /** Every value of {@code key} (case-insensitive), in order. */
        public List<String> values(String key) {
            List<String> out = new ArrayList<>(1);
            for (Pair p : pairs) {
                if (p.key().equalsIgnoreCase(key)) {
                    out.add(p.value());
                }
            }
            return out;
        }
    }

    public record Pair(String key, String value) {
    }

    /** The header is not in Envoy's format; {@code getMessage()} says where, never echoes the value. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    public ForwardedClientCert {
        elements = List.copyOf(elements);
    }

    /**
     * The principal the nearest Envoy would report as {@code source.principal} on the gRPC protocol: the first
     * {@code URI} of the last element (Envoy takes the peer certificate's first URI SAN); empty when it has none.
     */
    public Optional<String> peerUri() {
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        List<String> uris = elements.get(elements.size() - 1).values("URI");
        return uris.isEmpty() || uris.get(0).isEmpty() ? Optional.empty() : Optional.of(uris.get(0));
    }

    public static ForwardedClientCert parse(String header) throws MalformedException {
        List<Element> elements = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        int i = 0;
        int n = header.length();
        i = skipSpaces(header, i);
        if (i == n) {
            throw new MalformedException("empty header");
        }
        while (true) {
            int keyStart = i;
            while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';' && header.charAt(i) != ','
                    && header.charAt(i) != '"') {
                i++;
            }
            if (i == n || header.charAt(i) != '=') {
                throw new MalformedException("pair without '=' at offset " + keyStart);
            }
            String key = trimSpaces(header.substring(keyStart, i));
            if (key.isEmpty() || !key.chars().allMatch(ForwardedClientCert::isKeyChar)) {
                throw new MalformedException("invalid key at offset " + keyStart);
            }
            i++; // '='
            String value;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = header.charAt(i);
                    if (c == '\\' && i + 1 < n && header.charAt(i + 1) == '"') {
                        v.append('"');
                        i += 2;
                    } else if (c == '"') {
                        closed = true;
                        i++;
                        break;
                    } else {
                        v.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new MalformedException("unterminated quoted value of " + key.toUpperCase(Locale.ROOT));
                }
                value = v.toString();
                i = skipSpaces(header, i);
                if (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                    throw new MalformedException("text after the quoted value of " + key.toUpperCase(Locale.ROOT));
                }
            } else {
                int valueStart = i;
                while (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                    if (header.charAt(i) == '"') {
                        throw new MalformedException("stray quote in the value of " + key.toUpperCase(Locale.ROOT));
                    }
                    i++;
                }
                value = trimSpaces(header.substring(valueStart, i));
            }
            pairs.add(new Pair(key, value));
            if (i == n) {
                elements.add(new Element(pairs));
                return new ForwardedClientCert(elements);
            }
            char sep = header.charAt(i++);
            if (sep == ',') {
                elements.add(new Element(pairs));
                pairs = new ArrayList<>();
            }
            i = skipSpaces(header, i);
            if (i == n) {
                throw new MalformedException("header ends with a separator");
            }
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    // only HTTP's optional whitespace: String.strip() would also drop U+001C..U+001F and Unicode spaces, so that
    // "URI\u001f=" read as URI (found by ForwardedClientCertFuzzTest)
    private static String trimSpaces(String s) {
        int from = skipSpaces(s, 0);
        int to = s.length();
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
