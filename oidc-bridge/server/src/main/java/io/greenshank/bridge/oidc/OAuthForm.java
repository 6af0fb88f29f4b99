package io.greenshank.bridge.oidc;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The body and headers of a back-channel OAuth request ({@code /token}, {@code /device_authorization}). */
public final class OAuthForm {

    private static final String FORM = "application/x-www-form-urlencoded";

    private OAuthForm() {
    }

    /** The form's parameters, each at most once (RFC 6749 §3.2); the body must be a form. */
    public static Map<String, String> parse(HttpServerRequest http, String body) throws OAuthException {
        return parse(http.getHeader("Content-Type"), body);
    }

    /** The same from the {@code Content-Type} header's value (null when absent) and the body. */
    static Map<String, String> parse(String contentType, String body) throws OAuthException {
        String type = Optional.ofNullable(contentType).orElse("");
        int semi = type.indexOf(';');
        if (!(semi < 0 ? type : type.substring(0, semi)).trim().equalsIgnoreCase(FORM)) {
            throw OAuthException.invalidRequest("the request must be " + FORM);
        }
        Map<String, List<String>> decoded;
        try {
            decoded = QueryStringDecoder.builder().hasPath(false).semicolonIsNormalChar(true).build(
                    body == null ? "" : body).parameters();
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the form is not valid application/x-www-form-urlencoded");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : decoded.entrySet()) {
            if (e.getValue().size() > 1) {
                throw OAuthException.invalidRequest("parameter " + e.getKey() + " repeated");
            }
            params.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
        }
        return params;
    }

    /** Request headers, names lower-cased. */
    public static Map<String, List<String>> headers(HttpServerRequest http) {
        Map<String, List<String>> out = new HashMap<>();
        http.headers().forEach(h -> out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(h.getValue()));
        return out;
    }
}
