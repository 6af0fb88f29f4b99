package io.greenshank.authz.check;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;

/**
 * {@code envoy.service.auth.v3.Authorization/Check} over gRPC: served on the HTTP port by Quarkus gRPC, and on the
 * dedicated ext_authz port by {@link DirectGrpcServer}.
 */
@GrpcService
public class GrpcCheckService extends AuthorizationGrpc.AuthorizationImplBase {

    @Inject
    CheckDispatcher dispatcher;

    GrpcCheckService() {
    }

    /** For the dedicated port, which is not a CDI-managed server. */
    GrpcCheckService(CheckDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        CheckAttributes attributes;
        try {
            attributes = CheckRequests.toAttributes(request);
        } catch (RuntimeException e) {
            attributes = new CheckAttributes("grpc", "", "", "", "", "", null, null, null, "", null);
        }
        CheckAttributes a = attributes;
        dispatcher.check(a).whenComplete((decision, failure) -> {
            Decision d = failure == null ? decision : null;
            CheckResponse response;
            try {
                response = CheckResponses.toProto(d != null ? d : errorDecision(a));
            } catch (RuntimeException e) {
                response = CheckResponses.toProto(errorDecision(a));
            }
            responses.onNext(response);
            responses.onCompleted();
        });
    }

    private Decision errorDecision(CheckAttributes a) {
        return dispatcher.engine().error(a, "internal_error");
    }
}
