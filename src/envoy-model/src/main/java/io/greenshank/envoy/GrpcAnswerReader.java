package io.greenshank.envoy;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a {@code CheckResponse} the way Envoy's gRPC ext_authz client does: status OK allows with the
 * {@code ok_response} mutations; any other status denies (403 unless {@code denied_response.status} says otherwise).
 */
// source/extensions/filters/common/ext_authz/ext_authz_grpc_impl.cc, GrpcClientImpl::onSuccess
final class GrpcAnswerReader {

    private final GrpcHeaderOptionSemantics semantics;

    GrpcAnswerReader(GrpcHeaderOptionSemantics semantics) {
        this.semantics = semantics;
    }

    AuthorizationResponse read(CheckResponse response) {
        if (response.getStatus().getCode() == 0) {
            if (!response.hasOkResponse()) {
                return new AuthorizationResponse(AuthorizationResponse.Status.OK, List.of(), List.of(), List.of(),
                        List.of(), 200, "");
            }
            OkHttpResponse ok = response.getOkResponse();
            List<HeaderMutation> request = new ArrayList<>();
            for (HeaderValueOption o : ok.getHeadersList()) {
                request.add(requestMutation(o));
            }
            if (semantics == GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY) {
                // Filter::onComplete: headers_to_set, then headers_to_add, then headers_to_append
                request.sort(Comparator.comparingInt(m -> switch (m.action()) {
                    case SET -> 0;
                    case ADD -> 1;
                    default -> 2;
                }));
            }
            List<HeaderMutation> toClient = new ArrayList<>();
            for (HeaderValueOption o : ok.getResponseHeadersToAddList()) {
                toClient.add(responseMutation(o));
            }
            return new AuthorizationResponse(AuthorizationResponse.Status.OK, request, ok.getHeadersToRemoveList(),
                    toClient, List.of(), 200, "");
        }
        int status = 403;
        List<HeaderMutation> local = new ArrayList<>();
        String body = "";
        if (response.hasDeniedResponse()) {
            for (HeaderValueOption o : response.getDeniedResponse().getHeadersList()) {
                HeaderMutation m = localReplyMutation(o);
                if (m != null) {
                    local.add(m);
                }
            }
            int code = response.getDeniedResponse().getStatus().getCodeValue();
            if (code > 0) {
                status = code;
            }
            body = response.getDeniedResponse().getBody();
        }
        return new AuthorizationResponse(AuthorizationResponse.Status.DENIED, List.of(), List.of(), List.of(), local,
                status, body);
    }

    /** {@code OkHttpResponse.headers}: towards the upstream request. */
    private HeaderMutation requestMutation(HeaderValueOption o) {
        String name = o.getHeader().getKey();
        String value = Octets.fromUtf8(o.getHeader().getValue());
        if (o.hasAppend()) {
            // append=true: appendCopy onto an existing header (comma-joined), nothing if absent; false: setCopy
            return new HeaderMutation(name, value,
                    o.getAppend().getValue() ? HeaderMutation.Action.APPEND_IF_EXISTS : HeaderMutation.Action.SET);
        }
        if (semantics == GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY) {
            // copyHeaderFieldIntoResponse reads append().value(): unset is false, a set; append_action is not read
            return new HeaderMutation(name, value, HeaderMutation.Action.SET);
        }
        return new HeaderMutation(name, value, byAppendAction(o));
    }

    /** {@code response_headers_to_add}: towards the client's response on success; both lines honour append_action. */
    // ext_authz_grpc_impl.cc, copyOkResponseMutations (response_headers_to_add)
    private static HeaderMutation responseMutation(HeaderValueOption o) {
        String name = o.getHeader().getKey();
        String value = Octets.fromUtf8(o.getHeader().getValue());
        if (o.hasAppend()) {
            return new HeaderMutation(name, value,
                    o.getAppend().getValue() ? HeaderMutation.Action.ADD : HeaderMutation.Action.SET);
        }
        return new HeaderMutation(name, value, byAppendAction(o));
    }

    /** {@code DeniedHttpResponse.headers}: the local reply's headers. */
    private HeaderMutation localReplyMutation(HeaderValueOption o) {
        String name = o.getHeader().getKey();
        String value = Octets.fromUtf8(o.getHeader().getValue());
        if (semantics == GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY) {
            // the Denied branch sends headers_to_set only; an append=true header (headers_to_append) is dropped
            return o.getAppend().getValue() ? null : new HeaderMutation(name, value, HeaderMutation.Action.SET);
        }
        if (o.hasAppend()) {
            // toHeaderMutationAction(is_response_header): append=true adds a new entry
            return new HeaderMutation(name, value,
                    o.getAppend().getValue() ? HeaderMutation.Action.ADD : HeaderMutation.Action.SET);
        }
        return new HeaderMutation(name, value, byAppendAction(o));
    }

    private static HeaderMutation.Action byAppendAction(HeaderValueOption o) {
        return switch (o.getAppendAction()) {
            case APPEND_IF_EXISTS_OR_ADD -> HeaderMutation.Action.ADD;
            case ADD_IF_ABSENT -> HeaderMutation.Action.ADD_IF_ABSENT;
            case OVERWRITE_IF_EXISTS -> HeaderMutation.Action.OVERWRITE_IF_EXISTS;
            case OVERWRITE_IF_EXISTS_OR_ADD -> HeaderMutation.Action.SET;
            // an unknown action: saw_invalid_append_actions, treated as a set (validate_mutations off)
            default -> HeaderMutation.Action.SET;
        };
    }
}
