package io.greenshank.envoy;

import java.util.Objects;

/**
 * The request Envoy's HTTP ext_authz client sends to the {@code http_service}.
 *
 * @param method    the original {@code :method}
 * @param path      {@code path_prefix} + the original {@code :path} (query included)
 * @param authority the original {@code :authority}, sent as {@code Host}
 * @param headers   {@code content-length: 0} then the allowed request headers, as CheckRequest holds them
 */
public record AuthorizationHttpRequest(String method, String path, String authority, HeaderList headers) {

    public AuthorizationHttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(headers, "headers");
    }
}
