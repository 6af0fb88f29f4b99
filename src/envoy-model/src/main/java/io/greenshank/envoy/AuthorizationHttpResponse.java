package io.greenshank.envoy;

import java.util.Objects;

/**
 * The authorization server's answer over HTTP, as Envoy's codec hands it to ext_authz.
 *
 * @param headers header fields with lower-case names, repeats kept
 * @param body    the body, as text
 */
public record AuthorizationHttpResponse(int status, HeaderList headers, String body) {

    public AuthorizationHttpResponse {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }
}
