package io.greenshank.envoy;

import com.google.protobuf.BoolValue;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;

/** Crafted gRPC answers for the model's tests. */
final class Answers {

    private Answers() {
    }

    static HeaderValueOption.Builder option(String name, String value) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value));
    }

    /** What authz-service sends: append=false and OVERWRITE_IF_EXISTS_OR_ADD. */
    static HeaderValueOption overwrite(String name, String value) {
        return option(name, value).setAppend(BoolValue.of(false))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build();
    }

    static HeaderValueOption append(String name, String value) {
        return option(name, value).setAppend(BoolValue.of(true)).build();
    }

    static HeaderValueOption action(String name, String value, HeaderValueOption.HeaderAppendAction action) {
        return option(name, value).setAppendAction(action).build();
    }

    static CheckResponse ok(OkHttpResponse.Builder ok) {
        return CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(0)).setOkResponse(ok).build();
    }

    static CheckResponse denied(int grpcCode, DeniedHttpResponse.Builder denied) {
        return CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(grpcCode)).setDeniedResponse(denied).build();
    }

    static DeniedHttpResponse.Builder deniedWith(int status, String body) {
        return DeniedHttpResponse.newBuilder().setStatus(HttpStatus.newBuilder().setCodeValue(status)).setBody(body);
    }
}
