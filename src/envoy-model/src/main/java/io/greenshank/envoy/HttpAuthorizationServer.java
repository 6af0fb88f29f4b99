package io.greenshank.envoy;

import java.time.Duration;

/** An {@code http_service} authorization server; a lambda will do in unit tests. */
@FunctionalInterface
public non-sealed interface HttpAuthorizationServer extends AuthorizationServer {

    AuthorizationHttpResponse send(AuthorizationHttpRequest request, Duration timeout) throws Exception;
}
