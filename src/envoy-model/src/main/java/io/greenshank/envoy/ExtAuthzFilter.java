package io.greenshank.envoy;

import java.util.List;
import java.util.Locale;

/** How ext_authz acts on the answer: continue with the mutated request, or reply to the client. */
// source/extensions/filters/http/ext_authz/ext_authz.cc, Filter::onComplete
final class ExtAuthzFilter {

    private final ExtAuthzConfig config;
    private final ConnectionManagerConfig hcm;

    ExtAuthzFilter(ExtAuthzConfig config, ConnectionManagerConfig hcm) {
        this.config = config;
        this.hcm = hcm;
    }

    /** Applies an allow to {@code headers}, or throws the client's reply. */
    void onComplete(AuthorizationResponse response, EnvoyHeaderMap headers) {
        switch (response.status()) {
            case OK -> allow(response, headers);
            case DENIED -> throw new LocalReplyException(LocalReply.of(response.statusCode(), response.body(),
                    "ext_authz_denied", response.localReplyHeaders()));
            case ERROR -> {
                if (config.failureModeAllow()) {
                    if (config.failureModeAllowHeaderAdd()) {
                        headers.add("x-envoy-auth-failure-mode-allowed", "true");
                    }
                    return;
                }
                throw new LocalReplyException(LocalReply.of(config.statusOnError(), "", "ext_authz_error"));
            }
        }
    }

    /**
     * Every set / add / append first, in the answer's order, then the removals: a name both set and listed for removal
     * is gone. Pseudo-headers and {@code host} are never removed.
     */
    private void allow(AuthorizationResponse response, EnvoyHeaderMap headers) {
        for (HeaderMutation m : response.requestHeaderMutations()) {
            String name = m.name().toLowerCase(Locale.ROOT);
            switch (m.action()) {
                case SET -> headers.set(name, m.value());
                case ADD -> headers.add(name, m.value());
                case APPEND_IF_EXISTS -> {
                    // appending to an absent header does nothing (the filter's TODO(dio))
                    if (headers.has(name)) {
                        headers.append(name, m.value());
                    }
                }
                case ADD_IF_ABSENT -> {
                    if (!headers.has(name)) {
                        headers.add(name, m.value());
                    }
                }
                case OVERWRITE_IF_EXISTS -> {
                    if (headers.has(name)) {
                        headers.set(name, m.value());
                    }
                }
            }
        }
        for (String name : response.headersToRemove()) {
            if (!isRemovable(name)) {
                continue;
            }
            headers.remove(name.toLowerCase(Locale.ROOT));
        }
        // the mutated request must still fit the connection manager's limits, else rejectResponse(): 500
        if (headers.size() > hcm.maxRequestHeadersCount() || headers.byteSize() > hcm.maxRequestHeadersKb() * 1024L) {
            throw new LocalReplyException(LocalReply.of(500, "", "ext_authz_invalid"));
        }
    }

    // source/common/http/header_utility.cc, HeaderUtility::isRemovableHeader
    static boolean isRemovable(String name) {
        return (name.isEmpty() || name.charAt(0) != ':') && !name.equalsIgnoreCase("host");
    }

    List<HeaderMutation> onSuccessResponseHeaders(AuthorizationResponse response) {
        return response.status() == AuthorizationResponse.Status.OK ? response.responseHeaderMutations() : List.of();
    }
}
