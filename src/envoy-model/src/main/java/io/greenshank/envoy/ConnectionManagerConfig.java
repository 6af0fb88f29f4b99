package io.greenshank.envoy;

import java.util.Objects;
import java.util.Optional;

/**
 * The parts of an HTTP connection manager ({@code envoy.filters.network.http_connection_manager}) that shape a request
 * before ext_authz sees it. Defaults are Envoy's own; {@link #istioDefaults()} adds what Istio sets on every listener.
 *
 * @param codec                    the downstream protocol
 * @param useRemoteAddress         {@code use_remote_address}
 * @param xffNumTrustedHops        {@code xff_num_trusted_hops}
 * @param normalizePath            {@code normalize_path} (RFC 3986 normalization by Chromium's path canonicalizer)
 * @param mergeSlashes             {@code merge_slashes}
 * @param http1EnableTrailers      {@code http_protocol_options.enable_trailers}: without it HTTP/1 trailers are dropped
 * @param maxRequestHeadersKb      {@code max_request_headers_kb} (60)
 * @param maxRequestHeadersCount   {@code common_http_protocol_options.max_headers_count} (100)
 * @param forwardClientCert        {@code forward_client_cert_details}
 * @param setCurrentClientCertUri  {@code set_current_client_cert_details.uri}
 * @param localPrincipal           the URI SAN of Envoy's own certificate ({@code By=} in XFCC; destination principal)
 * @param generateRequestId        {@code generate_request_id}
 */
public record ConnectionManagerConfig(Codec codec, boolean useRemoteAddress, int xffNumTrustedHops, boolean normalizePath,
                                      boolean mergeSlashes, boolean http1EnableTrailers, int maxRequestHeadersKb,
                                      int maxRequestHeadersCount, ForwardClientCert forwardClientCert,
                                      boolean setCurrentClientCertUri, Optional<String> localPrincipal,
                                      boolean generateRequestId) {

    public ConnectionManagerConfig {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(forwardClientCert, "forwardClientCert");
        Objects.requireNonNull(localPrincipal, "localPrincipal");
        if (xffNumTrustedHops < 0 || maxRequestHeadersKb <= 0 || maxRequestHeadersCount <= 0) {
            throw new IllegalArgumentException("counts must be positive");
        }
    }

    /** Envoy's defaults: HTTP/1, no remote address, no path normalization, XFCC sanitized. */
    public static ConnectionManagerConfig defaults() {
        return builder().build();
    }

    /**
     * What Istio configures on every listener by default: path normalization BASE ({@code normalize_path: true}, no
     * slash merging). The rest stays Envoy's default; set {@code use_remote_address} and XFCC per gateway or sidecar.
     */
    public static ConnectionManagerConfig istioDefaults() {
        return builder().normalizePath(true).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.codec = codec;
        b.useRemoteAddress = useRemoteAddress;
        b.xffNumTrustedHops = xffNumTrustedHops;
        b.normalizePath = normalizePath;
        b.mergeSlashes = mergeSlashes;
        b.http1EnableTrailers = http1EnableTrailers;
        b.maxRequestHeadersKb = maxRequestHeadersKb;
        b.maxRequestHeadersCount = maxRequestHeadersCount;
        b.forwardClientCert = forwardClientCert;
        b.setCurrentClientCertUri = setCurrentClientCertUri;
        b.localPrincipal = localPrincipal.orElse(null);
        b.generateRequestId = generateRequestId;
        return b;
    }

    public static final class Builder {
        private Codec codec = Codec.HTTP1;
        private boolean useRemoteAddress;
        private int xffNumTrustedHops;
        private boolean normalizePath;
        private boolean mergeSlashes;
        private boolean http1EnableTrailers;
        private int maxRequestHeadersKb = 60;
        private int maxRequestHeadersCount = 100;
        private ForwardClientCert forwardClientCert = ForwardClientCert.SANITIZE;
        private boolean setCurrentClientCertUri;
        private String localPrincipal;
        private boolean generateRequestId = true;

        private Builder() {
        }

        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        public Builder useRemoteAddress(boolean on) {
            this.useRemoteAddress = on;
            return this;
        }

        public Builder xffNumTrustedHops(int hops) {
            this.xffNumTrustedHops = hops;
            return this;
        }

        public Builder normalizePath(boolean on) {
            this.normalizePath = on;
            return this;
        }

        public Builder mergeSlashes(boolean on) {
            this.mergeSlashes = on;
            return this;
        }

        public Builder http1EnableTrailers(boolean on) {
            this.http1EnableTrailers = on;
            return this;
        }

        public Builder maxRequestHeadersKb(int kb) {
            this.maxRequestHeadersKb = kb;
            return this;
        }

        public Builder maxRequestHeadersCount(int count) {
            this.maxRequestHeadersCount = count;
            return this;
        }

        public Builder forwardClientCert(ForwardClientCert mode) {
            this.forwardClientCert = mode;
            return this;
        }

        public Builder setCurrentClientCertUri(boolean on) {
            this.setCurrentClientCertUri = on;
            return this;
        }

        public Builder localPrincipal(String uriSan) {
            this.localPrincipal = uriSan;
            return this;
        }

        public Builder generateRequestId(boolean on) {
            this.generateRequestId = on;
            return this;
        }

        public ConnectionManagerConfig build() {
            return new ConnectionManagerConfig(codec, useRemoteAddress, xffNumTrustedHops, normalizePath, mergeSlashes,
                    http1EnableTrailers, maxRequestHeadersKb, maxRequestHeadersCount, forwardClientCert,
                    setCurrentClientCertUri, Optional.ofNullable(localPrincipal), generateRequestId);
        }
    }
}
