package io.greenshank.authz.route;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A query string decoded as the upstream's HTTP gateway decodes it: {@code &}-separated {@code name=value} pairs,
 * {@code +} as a space and {@code %XX} escapes in both name and value (Go's {@code net/url.ParseQuery}, which
 * grpc-gateway's {@code runtime.PopulateQueryParameters} uses for Kubeflow Pipelines' API server). Where Go would
 * refuse the query (a bad escape, a {@code ;} separator, which Go refuses since 1.17) or the decoded text is not
 * UTF-8 or holds control characters, the query is refused here too, so we never read a value the upstream reads
 * differently.
 */
final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    static QueryParameters parse(String query) throws RejectedRouteException {
        Map<String, List<String>> out = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return new QueryParameters(out);
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (pair.indexOf(';') >= 0) {
                throw invalid("a ';' separates nothing in a query string");
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new QueryParameters(out);
    }

    /** Every value of {@code name}, decoded; empty when absent. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The one value of {@code name}, or null when absent; a repeated name is refused. */
    String single(String name) throws RejectedRouteException {
        List<String> v = all(name);
        if (v.size() > 1) {
            throw new RejectedRouteException("query_parameter_repeated",
                    "query parameter '" + name + "' is given " + v.size() + " times");
        }
        return v.isEmpty() ? null : v.get(0);
    }

    private static String decode(String s) throws RejectedRouteException {
        byte[] bytes = new byte[s.length() * 3];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes[n++] = ' ';
            } else if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw invalid("a '%' not followed by two hex digits");
                }
                bytes[n++] = (byte) (Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(b, 0, bytes, n, b.length);
                n += b.length;
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("an escape that is not UTF-8");
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (Character.isISOControl(decoded.charAt(i))) {
                throw invalid("a control character");
            }
        }
        return decoded;
    }

    private static RejectedRouteException invalid(String what) {
        return new RejectedRouteException("query_parameter_invalid", "the query string has " + what);
    }
}
