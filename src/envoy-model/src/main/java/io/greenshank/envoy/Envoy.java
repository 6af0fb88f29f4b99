package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Envoy listener with ext_authz in front of one upstream: codec, connection manager, ext_authz, router. Give it a
 * {@link DownstreamRequest}; it calls the authorization server the way Envoy would and returns what the upstream
 * receives or what the client receives. Routing, retries, rate limits and the upstream's answer are not modelled.
 */
public final class Envoy {

    private final EnvoyConfig config;
    private final AuthorizationServer server;

    public Envoy(EnvoyConfig config, AuthorizationServer server) {
        this.config = Objects.requireNonNull(config, "config");
        this.server = Objects.requireNonNull(server, "server");
        boolean http = config.extAuthz().usesHttpService();
        if (http != (server instanceof HttpAuthorizationServer)) {
            throw new IllegalArgumentException("ext_authz is configured for " + (http ? "http_service" : "grpc_service")
                    + " but the server given speaks the other protocol");
        }
    }

    /** An Envoy whose ext_authz uses {@code grpc_service}; the server may be a lambda. */
    public static Envoy grpc(EnvoyConfig config, GrpcAuthorizationServer server) {
        return new Envoy(config, server);
    }

    /** An Envoy whose ext_authz uses {@code http_service}; the server may be a lambda. */
    public static Envoy http(EnvoyConfig config, HttpAuthorizationServer server) {
        return new Envoy(config, server);
    }

    public EnvoyConfig config() {
        return config;
    }

    public EnvoyOutcome handle(DownstreamRequest request) {
        ConnectionManagerConfig hcm = config.connectionManager();
        DecodedRequest decoded;
        try {
            decoded = new DownstreamCodec(hcm).decode(request);
        } catch (LocalReplyException e) {
            return new EnvoyOutcome.Answered(e.response(), request.peer().ip(), Optional.empty());
        }
        EnvoyHeaderMap headers = decoded.headers();
        String remote;
        try {
            remote = new ConnectionManager(hcm).prepare(headers, request);
        } catch (LocalReplyException e) {
            return new EnvoyOutcome.Answered(e.response(), request.peer().ip(), Optional.empty());
        }

        ExtAuthzConfig extAuthz = config.extAuthz();
        CheckRequest check = new CheckRequestFactory(extAuthz, hcm.codec()).create(headers, request, hcm);
        AuthorizationCall call;
        AuthorizationResponse answer;
        if (server instanceof GrpcAuthorizationServer grpc) {
            call = new AuthorizationCall.Grpc(check);
            answer = callGrpc(grpc, check);
        } else {
            HttpServiceConfig service = extAuthz.httpService().orElseThrow();
            AuthorizationHttpRequest httpRequest = new HttpAuthorizationRequestFactory(service).create(check);
            call = new AuthorizationCall.Http(httpRequest);
            answer = callHttp((HttpAuthorizationServer) server, service, httpRequest);
        }

        ExtAuthzFilter filter = new ExtAuthzFilter(extAuthz, hcm);
        try {
            filter.onComplete(answer, headers);
        } catch (LocalReplyException e) {
            return new EnvoyOutcome.Answered(e.response(), remote, Optional.of(call));
        }
        // the router sends the pseudo-headers as the request line (HTTP/1: :authority as Host) and every other header
        // in order; trailers follow the body untouched: ext_authz only decides on headers and never sees them
        UpstreamRequest upstream = new UpstreamRequest(headers.value(":method"), headers.value(":path"),
                headers.value(":authority"), headers.value(":scheme"), headers.regularHeaders(), decoded.trailers());
        List<HeaderMutation> toResponse = filter.onSuccessResponseHeaders(answer);
        return new EnvoyOutcome.Forwarded(upstream, toResponse, remote, Optional.of(call));
    }

    // ext_authz_grpc_impl.cc: onSuccess reads the answer; onFailure (any non-OK gRPC status, including the timeout's
    // DEADLINE_EXCEEDED and an unreachable server) is CheckStatus::Error
    private AuthorizationResponse callGrpc(GrpcAuthorizationServer grpc, CheckRequest check) {
        CheckResponse response;
        try {
            response = grpc.check(check, config.extAuthz().timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AuthorizationResponse.error();
        } catch (Exception e) {
            return AuthorizationResponse.error();
        }
        if (response == null) {
            return AuthorizationResponse.error();
        }
        return new GrpcAnswerReader(config.extAuthz().grpcHeaderOptions()).read(response);
    }

    // ext_authz_http_impl.cc: RawHttpClientImpl::onFailure (reset, timeout, no connection) is an error
    private AuthorizationResponse callHttp(HttpAuthorizationServer http, HttpServiceConfig service,
                                           AuthorizationHttpRequest request) {
        AuthorizationHttpResponse response;
        try {
            response = http.send(request, config.extAuthz().timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AuthorizationResponse.error();
        } catch (Exception e) {
            return AuthorizationResponse.error();
        }
        if (response == null) {
            return AuthorizationResponse.error();
        }
        return new HttpAnswerReader(service).read(response);
    }
}
