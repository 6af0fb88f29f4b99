package io.greenshank.envoy;

import java.util.List;

/**
 * The answer as ext_authz holds it after either client read it ({@code Filters::Common::ExtAuthz::Response}).
 *
 * @param requestHeaderMutations  changes to the upstream request, in the order the filter applies them (OK only)
 * @param headersToRemove         names to remove from the upstream request, applied after every mutation (OK only)
 * @param responseHeaderMutations changes to the upstream's response on its way to the client (OK only)
 * @param localReplyHeaders       headers of the denial sent to the client (Denied only)
 * @param statusCode              the denial's status (Denied only)
 * @param body                    the denial's body (Denied only)
 */
// source/extensions/filters/common/ext_authz/ext_authz.h, struct Response
record AuthorizationResponse(Status status, List<HeaderMutation> requestHeaderMutations, List<String> headersToRemove,
                             List<HeaderMutation> responseHeaderMutations, List<HeaderMutation> localReplyHeaders,
                             int statusCode, String body) {

    /** CheckStatus. */
    enum Status { OK, DENIED, ERROR }

    AuthorizationResponse {
        requestHeaderMutations = List.copyOf(requestHeaderMutations);
        headersToRemove = List.copyOf(headersToRemove);
        responseHeaderMutations = List.copyOf(responseHeaderMutations);
        localReplyHeaders = List.copyOf(localReplyHeaders);
    }

    static AuthorizationResponse error() {
        return new AuthorizationResponse(Status.ERROR, List.of(), List.of(), List.of(), List.of(), 403, "");
    }
}
