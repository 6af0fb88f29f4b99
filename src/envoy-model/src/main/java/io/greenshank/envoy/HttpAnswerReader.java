package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code http_service}'s answer the way Envoy's HTTP ext_authz client does: a 5xx is a failed call; 200
 * allows; anything else denies with that status and body.
 */
// source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc, RawHttpClientImpl::toResponse / SuccessResponse
final class HttpAnswerReader {

    /** Added to a non-empty {@code allowed_client_headers} (ClientConfig::toClientMatchers). */
    private static final Set<String> ALWAYS_TO_CLIENT = Set.of(":status", "content-length", "www-authenticate", "location");
    private static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

    private final HttpServiceConfig service;

    HttpAnswerReader(HttpServiceConfig service) {
        this.service = service;
    }

    AuthorizationResponse read(AuthorizationHttpResponse answer) {
        if (answer.status() >= 500 && answer.status() <= 599) {
            return AuthorizationResponse.error();
        }
        boolean ok = answer.status() == 200;
        // x-envoy-auth-headers-to-remove: every entry, split on ",", trimmed, empty names skipped; then dropped
        List<String> toRemove = new ArrayList<>();
        List<Header> rest = new ArrayList<>();
        for (Header h : answer.headers().entries()) {
            if (h.name().equals(HEADERS_TO_REMOVE)) {
                if (ok) {
                    for (String n : h.value().split(",")) {
                        String trimmed = n.strip();
                        if (!trimmed.isEmpty()) {
                            toRemove.add(trimmed);
                        }
                    }
                }
            } else {
                rest.add(h);
            }
        }
        if (ok) {
            List<HeaderMutation> upstream = new ArrayList<>();
            List<HeaderMutation> toClient = new ArrayList<>();
            for (Header h : rest) {
                if (matchesAny(service.allowedUpstreamHeaders(), h.name())) {
                    upstream.add(new HeaderMutation(h.name(), h.value(), HeaderMutation.Action.SET));
                }
                if (matchesAny(service.allowedUpstreamHeadersToAppend(), h.name())) {
                    // a new entry beside the client's: {"key": "value1"} + "value2" gives two "key" entries
                    upstream.add(new HeaderMutation(h.name(), h.value(), HeaderMutation.Action.ADD));
                }
                if (matchesAny(service.allowedClientHeadersOnSuccess(), h.name())) {
                    toClient.add(new HeaderMutation(h.name(), h.value(), HeaderMutation.Action.ADD));
                }
            }
            // Filter::onComplete applies headers_to_set before headers_to_add
            upstream.sort(java.util.Comparator.comparingInt(m -> m.action() == HeaderMutation.Action.SET ? 0 : 1));
            return new AuthorizationResponse(AuthorizationResponse.Status.OK, upstream, toRemove, toClient, List.of(),
                    200, "");
        }
        List<HeaderMutation> local = new ArrayList<>();
        for (Header h : rest) {
            if (toClient(h.name())) {
                local.add(new HeaderMutation(h.name(), h.value(), HeaderMutation.Action.SET));
            }
        }
        return new AuthorizationResponse(AuthorizationResponse.Status.DENIED, List.of(), List.of(), List.of(), local,
                answer.status(), answer.body());
    }

    /** Unset: every header but {@code :authority}; set: the list plus {@link #ALWAYS_TO_CLIENT}. */
    private boolean toClient(String name) {
        if (service.allowedClientHeaders().isEmpty()) {
            return !name.equals(":authority");
        }
        return ALWAYS_TO_CLIENT.contains(name) || matchesAny(service.allowedClientHeaders(), name);
    }

    private static boolean matchesAny(List<StringMatcher> matchers, String name) {
        return matchers.stream().anyMatch(m -> m.matches(name));
    }
}
