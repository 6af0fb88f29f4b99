package io.greenshank.bridge.web;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Redirects to a registered URI with parameters added to its query. Built by hand rather than with JAX-RS
 * {@code UriBuilder}: that one reads {@code {…}} in a value as a URI template, so a client's {@code state} such as
 * {@code {x}} would fail the redirect with a 500. Every value is percent-encoded; the registered URI is kept byte
 * for byte.
 */
public final class Redirects {

    private Redirects() {
    }

    public static URI withQuery(String registered, Map<String, String> params) {
        int hash = registered.indexOf('#');
        String base = hash < 0 ? registered : registered.substring(0, hash);
        StringBuilder b = new StringBuilder(base);
        char sep = base.indexOf('?') < 0 ? '?' : '&';
        for (Map.Entry<String, String> p : params.entrySet()) {
            b.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return URI.create(b.toString());
    }
}
