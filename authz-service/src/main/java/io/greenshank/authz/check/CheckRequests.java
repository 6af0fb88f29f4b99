package io.greenshank.authz.check;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.greenshank.authz.decision.CheckAttributes;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads a gRPC {@code CheckRequest} into {@link CheckAttributes}; missing attributes become empty values. */
final class CheckRequests {

    private CheckRequests() {
    }

    static CheckAttributes toAttributes(CheckRequest req) {
        AttributeContext ctx = req.getAttributes();
        AttributeContext.HttpRequest http = ctx.getRequest().getHttp();
        String[] target = CheckAttributes.splitTarget(http.getPath());
        String query = target[1].isEmpty() ? http.getQuery() : target[1];
        return new CheckAttributes("grpc", http.getMethod(), http.getScheme(), http.getHost(), target[0], query,
                headers(http), peer(ctx.getSource()), peer(ctx.getDestination()), ctx.getTlsSession().getSni(),
                ctx.getContextExtensionsMap());
    }

    private static Map<String, String> headers(AttributeContext.HttpRequest http) {
        Map<String, String> map = http.getHeadersMap();
        if (map.isEmpty() && http.hasHeaderMap()) {
            // Envoy's encode_raw_headers mode: values arrive as bytes, possibly repeated
            Map<String, String> out = new HashMap<>();
            for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
                String v = h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toString(StandardCharsets.UTF_8);
                out.merge(h.getKey().toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b);
            }
            return out;
        }
        for (String k : map.keySet()) {
            if (!isLower(k)) {
                Map<String, String> out = new HashMap<>();
                map.forEach((key, v) -> out.merge(key.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
                return out;
            }
        }
        return map;
    }

    private static boolean isLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }

    private static CheckAttributes.Peer peer(AttributeContext.Peer p) {
        Address a = p.getAddress();
        return new CheckAttributes.Peer(p.getPrincipal(), a.getSocketAddress().getAddress(), a.getSocketAddress().getPortValue());
    }
}
