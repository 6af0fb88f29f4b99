package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.match.IpBlock;
import io.greenshank.authz.policy.match.StringMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Istio's attribute names ({@code when} keys, and legacy {@code properties} / {@code constraints}) compiled into
 * conditions. An unknown key is an error: a condition we cannot evaluate must never be silently dropped.
 */
public final class Attributes {

    private Attributes() {
    }

    public static Cond condition(String key, List<String> values, boolean negate) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("condition key must not be empty");
        }
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("condition " + key + " has no values");
        }
        String k = key.trim();
        if (k.startsWith("request.headers[") && k.endsWith("]")) {
            String header = k.substring("request.headers[".length(), k.length() - 1).toLowerCase(Locale.ROOT);
            if (header.isEmpty()) {
                throw new IllegalArgumentException("empty header name in " + key);
            }
            return strings(k, r -> r.header(header), values, false, negate);
        }
        if (k.startsWith("request.auth.claims[") && k.endsWith("]")) {
            List<String> path = claimPath(k);
            return strings(k, r -> Conds.claim(r.claims(), path), values, false, negate);
        }
        return switch (k) {
            case "source.ip" -> ips(k, PolicyRequest::sourceAddress, PolicyRequest::sourceIp, values, negate);
            case "remote.ip" -> ips(k, PolicyRequest::remoteAddress, PolicyRequest::remoteIp, values, negate);
            case "destination.ip" -> ips(k, PolicyRequest::destinationAddress, r -> r.destination().ip(), values,
                    negate);
            case "source.namespace" -> strings(k, PolicyRequest::sourceNamespace, values, false, negate);
            case "source.principal" -> strings(k, PolicyRequest::sourcePrincipal, values, false, negate);
            case "request.auth.principal" -> strings(k, PolicyRequest::requestPrincipal, values, false, negate);
            case "request.auth.audiences" -> strings(k, PolicyRequest::audiences, values, false, negate);
            case "request.auth.presenter" -> strings(k, PolicyRequest::presenter, values, false, negate);
            case "destination.port" -> ports(k, values, negate);
            case "connection.sni" -> strings(k, PolicyRequest::sni, values, false, negate);
            default -> throw new IllegalArgumentException("unsupported condition key '" + key + "'");
        };
    }

    static List<String> claimPath(String key) {
        List<String> path = new ArrayList<>();
        String rest = key.substring("request.auth.claims".length());
        while (!rest.isEmpty()) {
            if (rest.charAt(0) != '[') {
                throw new IllegalArgumentException("malformed claim key '" + key + "'");
            }
            int close = rest.indexOf(']');
            if (close <= 1) {
                throw new IllegalArgumentException("malformed claim key '" + key + "'");
            }
            path.add(rest.substring(1, close));
            rest = rest.substring(close + 1);
        }
        return List.copyOf(path);
    }

    public static Cond strings(String name, java.util.function.Function<PolicyRequest, Object> attr,
                               List<String> values, boolean ignoreCase, boolean negate) {
        List<StringMatcher> m = new ArrayList<>(values.size());
        for (String v : values) {
            if (v == null) {
                throw new IllegalArgumentException(name + " has a null value");
            }
            m.add(StringMatcher.of(v, ignoreCase));
        }
        return new Conds.Strings(name, attr, List.copyOf(m), negate);
    }

    public static Cond ips(String name, java.util.function.Function<PolicyRequest, byte[]> attr,
                           java.util.function.Function<PolicyRequest, String> text, List<String> values,
                           boolean negate) {
        List<IpBlock> blocks = new ArrayList<>(values.size());
        for (String v : values) {
            blocks.add(IpBlock.parse(v));
        }
        return new Conds.Ips(name, attr, text, List.copyOf(blocks), negate);
    }

    public static Cond ports(String name, List<String> values, boolean negate) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (String v : values) {
            try {
                int p = Integer.parseInt(v.trim());
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                ports.add(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": '" + v + "' is not a port number");
            }
        }
        return new Conds.Ports(name, Set.copyOf(ports), negate);
    }
}
