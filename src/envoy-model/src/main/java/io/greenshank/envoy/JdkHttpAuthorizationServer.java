package io.greenshank.envoy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An {@code http_service} authorization server reached with {@code java.net.http} over HTTP/1.1, redirects not
 * followed (Envoy's async client does not follow them). The original {@code Host} is sent as Envoy sends it, which the
 * JDK allows only with {@code -Djdk.httpclient.allowRestrictedHeaders=host} set before its HTTP client first loads.
 * Characters {@code java.net.URI} refuses in a path (for example {@code |} or {@code {}) are percent-encoded here,
 * where Envoy would send them raw.
 */
public final class JdkHttpAuthorizationServer implements HttpAuthorizationServer {

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> SET_BY_CLIENT = Set.of("content-length", "connection", "expect", "upgrade");

    private final URI base;
    private final HttpClient client;

    private JdkHttpAuthorizationServer(URI base) {
        try {
            HttpRequest.newBuilder(URI.create("http://probe.invalid/")).header("host", "probe.invalid");
        } catch (IllegalArgumentException restricted) {
            throw new IllegalStateException("set -Djdk.httpclient.allowRestrictedHeaders=host (for example in surefire's"
                    + " systemPropertyVariables) so that the original Host reaches the authorization server as Envoy"
                    + " sends it");
        }
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The server at {@code base} (scheme, host and port; any path in it is ignored). */
    public static JdkHttpAuthorizationServer at(URI base) {
        return new JdkHttpAuthorizationServer(base);
    }

    @Override
    public AuthorizationHttpResponse send(AuthorizationHttpRequest request, Duration timeout) throws Exception {
        URI target = URI.create(base.getScheme() + "://" + base.getRawAuthority() + uriSafe(request.path()));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout)
                .method(request.method(), HttpRequest.BodyPublishers.noBody());
        b.header("host", request.authority());
        for (Header h : request.headers().entries()) {
            if (!SET_BY_CLIENT.contains(h.name())) {
                b.header(h.name(), h.value());
            }
        }
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : r.headers().map().entrySet()) {
            if (e.getKey().startsWith(":")) {
                continue;
            }
            for (String v : e.getValue()) {
                // Envoy's codec lower-cases every name it reads
                headers.add(new Header(e.getKey().toLowerCase(Locale.ROOT), v));
            }
        }
        return new AuthorizationHttpResponse(r.statusCode(), new HeaderList(headers),
                new String(r.body(), StandardCharsets.UTF_8));
    }

    private static String uriSafe(String path) {
        StringBuilder out = new StringBuilder();
        byte[] bytes = Octets.bytes(path);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            boolean escape = c == '%' && !(i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2]));
            if (c > 0x20 && c < 0x7F && "\"<>\\^`{|}".indexOf(c) < 0 && !escape) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static boolean hex(byte b) {
        return Character.digit((char) (b & 0xFF), 16) >= 0 && (b & 0xFF) < 0x80;
    }
}
