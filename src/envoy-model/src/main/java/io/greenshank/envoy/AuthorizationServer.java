package io.greenshank.envoy;

/**
 * How the model reaches the authorization server: {@link GrpcAuthorizationServer} for {@code grpc_service},
 * {@link HttpAuthorizationServer} for {@code http_service}. Any exception a call throws (refused connection, timeout,
 * non-OK gRPC status) is the failed call Envoy turns into {@code status_on_error}.
 */
public sealed interface AuthorizationServer permits GrpcAuthorizationServer, HttpAuthorizationServer {
}
