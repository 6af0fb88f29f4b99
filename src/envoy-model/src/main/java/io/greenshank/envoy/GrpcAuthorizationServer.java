package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;

import java.time.Duration;

/** {@code envoy.service.auth.v3.Authorization/Check}; a lambda will do in unit tests. */
@FunctionalInterface
public non-sealed interface GrpcAuthorizationServer extends AuthorizationServer {

    CheckResponse check(CheckRequest request, Duration timeout) throws Exception;
}
