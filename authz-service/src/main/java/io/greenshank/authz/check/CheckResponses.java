package io.greenshank.authz.check;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.greenshank.authz.decision.Decision;

import java.util.Map;

/** Writes a {@link Decision} as a gRPC {@code CheckResponse}. */
final class CheckResponses {

    private CheckResponses() {
    }

    static CheckResponse toProto(Decision d) {
        if (d.allowed()) {
            OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
            // Envoy sets first, then removes: the overwrite replaces every client copy of the identity headers, and
            // the removal list never names a header set here (see DecisionEngine).
            ok.addAllHeadersToRemove(d.upstreamRemove());
            for (Map.Entry<String, String> h : d.upstreamSet().entrySet()) {
                ok.addHeaders(overwrite(h.getKey(), h.getValue()));
            }
            return CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(Code.OK_VALUE))
                    .setOkResponse(ok).build();
        }
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCodeValue(d.status()))
                .setBody(d.body());
        for (Map.Entry<String, String> h : d.clientHeaders().entrySet()) {
            denied.addHeaders(overwrite(h.getKey(), h.getValue()));
        }
        if (!d.body().isEmpty()) {
            denied.addHeaders(overwrite("content-type", "application/json"));
        }
        int code = switch (d.status()) {
            case 401, 302 -> Code.UNAUTHENTICATED_VALUE;
            case 503 -> Code.UNAVAILABLE_VALUE;
            case 400 -> Code.INVALID_ARGUMENT_VALUE;
            default -> Code.PERMISSION_DENIED_VALUE;
        };
        return CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(code).setMessage(d.reason()))
                .setDeniedResponse(denied).build();
    }

    private static HeaderValueOption overwrite(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
                .setAppend(com.google.protobuf.BoolValue.of(false))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
                .build();
    }
}
