package io.greenshank.envoy;

import java.util.Objects;

/**
 * What the upstream application receives when Envoy forwards the request.
 *
 * @param method    {@code :method}
 * @param path      {@code :path}, after normalization
 * @param authority {@code :authority} (the {@code Host} header of an HTTP/1 upstream)
 * @param scheme    {@code :scheme}
 * @param headers   every other header, in Envoy's order; names are lower case
 * @param trailers  the trailers, exactly as the codec decoded them: ext_authz never sees or changes them, so an
 *                  identity header in a trailer is still the client's. Applications must read identity from headers.
 */
public record UpstreamRequest(String method, String path, String authority, String scheme, HeaderList headers,
                              HeaderList trailers) {

    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(trailers, "trailers");
    }
}
