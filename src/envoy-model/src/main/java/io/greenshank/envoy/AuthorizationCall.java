package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

/** What Envoy sent to the authorization server for one request. */
public sealed interface AuthorizationCall {

    /** The gRPC protocol: one {@code Check}. */
    record Grpc(CheckRequest request) implements AuthorizationCall {
    }

    /** The HTTP protocol: one request to the {@code http_service}. */
    record Http(AuthorizationHttpRequest request) implements AuthorizationCall {
    }
}
