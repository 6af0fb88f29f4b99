package io.greenshank.envoy;

/**
 * How Envoy reads {@code HeaderValueOption}s in a gRPC {@code OkHttpResponse.headers} and in which order it applies
 * them. The two differ only for options that leave {@code append} unset, or that mix actions on one name.
 */
public enum GrpcHeaderOptionSemantics {
    /**
     * Released Envoy (as quoted from v1.36.4 in envoyproxy/envoy issue #42857): only the deprecated {@code append}
     * is read; {@code true} appends to an existing value (comma-joined), {@code false} or unset sets, and
     * {@code append_action} is ignored. The filter applies all sets, then the adds, then the appends.
     */
    // source/extensions/filters/common/ext_authz/ext_authz_grpc_impl.cc, copyHeaderFieldIntoResponse
    APPEND_FLAG_ONLY,
    /**
     * Envoy main after PR #42878: a set {@code append} still wins ({@code true} append, {@code false} set); otherwise
     * {@code append_action} decides, its default APPEND_IF_EXISTS_OR_ADD adding a separate entry. Mutations apply in
     * the order the server listed them.
     */
    // source/extensions/filters/common/ext_authz/ext_authz_grpc_impl.cc, toHeaderMutationAction / processHeaderMutations
    APPEND_ACTION_IN_ORDER
}
