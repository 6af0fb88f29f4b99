package io.greenshank.envoy;

import java.util.List;
import java.util.Objects;

/**
 * ext_authz's {@code http_service}: where the authorization request goes and which headers of the answer Envoy uses.
 *
 * @param pathPrefix                      {@code path_prefix}, prepended to the original {@code :path}
 * @param allowedUpstreamHeaders          {@code authorization_response.allowed_upstream_headers}: on 200, set upstream
 * @param allowedUpstreamHeadersToAppend  {@code allowed_upstream_headers_to_append}: on 200, added as new entries
 * @param allowedClientHeaders            {@code allowed_client_headers}: on a denial, sent to the client; empty means
 *                                        every header but {@code :authority}; otherwise these plus {@code :status},
 *                                        {@code content-length}, {@code www-authenticate} and {@code location}
 * @param allowedClientHeadersOnSuccess   {@code allowed_client_headers_on_success}: on 200, added to the response
 */
public record HttpServiceConfig(String pathPrefix, List<StringMatcher> allowedUpstreamHeaders,
                                List<StringMatcher> allowedUpstreamHeadersToAppend, List<StringMatcher> allowedClientHeaders,
                                List<StringMatcher> allowedClientHeadersOnSuccess) {

    public HttpServiceConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (!pathPrefix.isEmpty() && !pathPrefix.startsWith("/")) {
            // source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc: path_prefix must start with '/'
            throw new IllegalArgumentException("path_prefix must start with '/': " + pathPrefix);
        }
        allowedUpstreamHeaders = List.copyOf(allowedUpstreamHeaders);
        allowedUpstreamHeadersToAppend = List.copyOf(allowedUpstreamHeadersToAppend);
        allowedClientHeaders = List.copyOf(allowedClientHeaders);
        allowedClientHeadersOnSuccess = List.copyOf(allowedClientHeadersOnSuccess);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String pathPrefix = "";
        private List<StringMatcher> upstream = List.of();
        private List<StringMatcher> upstreamToAppend = List.of();
        private List<StringMatcher> client = List.of();
        private List<StringMatcher> clientOnSuccess = List.of();

        private Builder() {
        }

        public Builder pathPrefix(String prefix) {
            this.pathPrefix = prefix;
            return this;
        }

        public Builder allowedUpstreamHeaders(StringMatcher... m) {
            this.upstream = List.of(m);
            return this;
        }

        public Builder allowedUpstreamHeadersToAppend(StringMatcher... m) {
            this.upstreamToAppend = List.of(m);
            return this;
        }

        public Builder allowedClientHeaders(StringMatcher... m) {
            this.client = List.of(m);
            return this;
        }

        public Builder allowedClientHeadersOnSuccess(StringMatcher... m) {
            this.clientOnSuccess = List.of(m);
            return this;
        }

        public HttpServiceConfig build() {
            return new HttpServiceConfig(pathPrefix, upstream, upstreamToAppend, client, clientOnSuccess);
        }
    }
}
