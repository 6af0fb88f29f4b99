package io.greenshank.envoy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ext_authz filter ({@code envoy.filters.http.ext_authz}).
 *
 * @param httpService               present: the HTTP protocol ({@code http_service}); absent: {@code grpc_service}
 * @param allowedHeaders            {@code allowed_headers} (for HTTP also {@code authorization_request.allowed_headers}):
 *                                  absent, gRPC sends every header and HTTP only its four defaults
 * @param timeout                   the service's timeout; Envoy's default for {@code grpc_service} is 200 ms
 * @param statusOnError             {@code status_on_error}: the client's status when the call fails (403)
 * @param failureModeAllow          {@code failure_mode_allow}: on a failed call, forward the request anyway
 * @param failureModeAllowHeaderAdd {@code failure_mode_allow_header_add}: then mark it {@code x-envoy-auth-failure-mode-allowed}
 * @param encodeRawHeaders          {@code encode_raw_headers}: send {@code header_map} with raw values, unmerged
 * @param contextExtensions         the route's {@code context_extensions}
 * @param grpcHeaderOptions         which Envoy's reading of {@code HeaderValueOption} to model
 */
public record ExtAuthzConfig(Optional<HttpServiceConfig> httpService, Optional<List<StringMatcher>> allowedHeaders,
                             Duration timeout, int statusOnError, boolean failureModeAllow,
                             boolean failureModeAllowHeaderAdd, boolean encodeRawHeaders,
                             Map<String, String> contextExtensions, GrpcHeaderOptionSemantics grpcHeaderOptions) {

    /** source/extensions/filters/http/ext_authz/config.cc: the gRPC call's timeout when {@code grpc_service} sets none. */
    public static final Duration DEFAULT_GRPC_TIMEOUT = Duration.ofMillis(200);

    public ExtAuthzConfig {
        Objects.requireNonNull(httpService, "httpService");
        Objects.requireNonNull(allowedHeaders, "allowedHeaders");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(grpcHeaderOptions, "grpcHeaderOptions");
        allowedHeaders = allowedHeaders.map(List::copyOf);
        contextExtensions = Map.copyOf(contextExtensions);
    }

    public boolean usesHttpService() {
        return httpService.isPresent();
    }

    /** ext_authz over gRPC ({@code grpc_service}). */
    public static Builder grpc() {
        return new Builder(null);
    }

    /** ext_authz over Envoy's HTTP protocol ({@code http_service}). */
    public static Builder http(HttpServiceConfig service) {
        return new Builder(Objects.requireNonNull(service));
    }

    public static final class Builder {
        private final HttpServiceConfig httpService;
        private List<StringMatcher> allowedHeaders;
        private Duration timeout = DEFAULT_GRPC_TIMEOUT;
        private int statusOnError = 403;
        private boolean failureModeAllow;
        private boolean failureModeAllowHeaderAdd;
        private boolean encodeRawHeaders;
        private Map<String, String> contextExtensions = Map.of();
        private GrpcHeaderOptionSemantics grpcHeaderOptions = GrpcHeaderOptionSemantics.APPEND_FLAG_ONLY;

        private Builder(HttpServiceConfig httpService) {
            this.httpService = httpService;
        }

        public Builder allowedHeaders(StringMatcher... m) {
            this.allowedHeaders = List.of(m);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder statusOnError(int status) {
            this.statusOnError = status;
            return this;
        }

        public Builder failureModeAllow(boolean on) {
            this.failureModeAllow = on;
            return this;
        }

        public Builder failureModeAllowHeaderAdd(boolean on) {
            this.failureModeAllowHeaderAdd = on;
            return this;
        }

        public Builder encodeRawHeaders(boolean on) {
            this.encodeRawHeaders = on;
            return this;
        }

        public Builder contextExtensions(Map<String, String> extensions) {
            this.contextExtensions = extensions;
            return this;
        }

        public Builder grpcHeaderOptions(GrpcHeaderOptionSemantics semantics) {
            this.grpcHeaderOptions = semantics;
            return this;
        }

        public ExtAuthzConfig build() {
            return new ExtAuthzConfig(Optional.ofNullable(httpService), Optional.ofNullable(allowedHeaders), timeout,
                    statusOnError, failureModeAllow, failureModeAllowHeaderAdd, encodeRawHeaders, contextExtensions,
                    grpcHeaderOptions);
        }
    }
}
