package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The HTTP connection manager's work between the codec and the first filter: required headers, path normalization,
 * and {@code mutateRequestHeaders} (hop-by-hop and internal headers, {@code x-forwarded-for} and the downstream
 * remote address, {@code x-forwarded-proto} and {@code :scheme}, {@code x-envoy-external-address},
 * {@code x-request-id}, {@code x-forwarded-client-cert}).
 */
final class ConnectionManager {

    private final ConnectionManagerConfig config;

    ConnectionManager(ConnectionManagerConfig config) {
        this.config = config;
    }

    /**
     * Prepares the decoded request for the filter chain; returns the downstream remote address, or throws the local
     * reply that ends the request.
     */
    // source/common/http/conn_manager_impl.cc, ActiveStream::decodeHeaders
    String prepare(EnvoyHeaderMap headers, DownstreamRequest request) {
        // no Host (HTTP/1.1; the codec already made it :authority) or :authority (HTTP/2): 400 missing_host_header
        if (!headers.has(":authority")) {
            throw new LocalReplyException(LocalReply.of(400, "", "missing_host_header"));
        }
        String path = headers.value(":path");
        if (path.isEmpty()) {
            throw new LocalReplyException(LocalReply.of(404, "", "missing_path_rejected"));
        }
        // "Currently we only support relative paths at the application layer" (OPTIONS * included)
        if (path.charAt(0) != '/') {
            throw new LocalReplyException(LocalReply.of(404, "", "absolute_path_rejected"));
        }
        // path sanitization comes before mutateRequestHeaders
        Optional<String> normalized = PathNormalization.apply(path, config);
        if (normalized.isEmpty()) {
            throw new LocalReplyException(LocalReply.of(400, "", "path_normalization_failed"));
        }
        headers.setInline(":path", normalized.get());
        return mutateRequestHeaders(headers, request);
    }

    // source/common/http/conn_manager_utility.cc, ConnectionManagerUtility::mutateRequestHeaders
    private String mutateRequestHeaders(EnvoyHeaderMap headers, DownstreamRequest request) {
        if (!isUpgrade(headers)) {
            headers.remove("connection");
            headers.remove("upgrade");
        }
        headers.remove("x-envoy-internal");
        headers.remove("keep-alive");
        headers.remove("proxy-connection");
        headers.remove("transfer-encoding");

        Address peer = request.peer();
        String finalRemote = null;
        boolean allowTrustedAddressChecks;
        if (config.useRemoteAddress()) {
            allowTrustedAddressChecks = !headers.has("x-forwarded-for");
            if (config.xffNumTrustedHops() > 0) {
                finalRemote = ForwardedFor.lastAddress(headers, config.xffNumTrustedHops() - 1).address().orElse(null);
            }
            if (finalRemote == null) {
                finalRemote = peer.ip();
            }
            // a loopback peer is written as Envoy's own listener address
            headers.append("x-forwarded-for", peer.isLoopback() ? request.local().ip() : peer.ip());
            // from an untrusted hop, x-forwarded-proto is overwritten
            if (config.xffNumTrustedHops() == 0 || !headers.has("x-forwarded-proto")) {
                headers.setInline("x-forwarded-proto", request.tls() ? "https" : "http");
            }
        } else {
            // the default original-IP detection: the xff extension with xff_num_trusted_hops
            ForwardedFor.LastAddress detected = ForwardedFor.lastAddress(headers, config.xffNumTrustedHops());
            finalRemote = detected.address().orElse(null);
            allowTrustedAddressChecks = detected.singleAddress();
        }
        if (!headers.has("x-forwarded-proto")) {
            headers.setInline("x-forwarded-proto", request.tls() ? "https" : "http");
        }
        // :scheme from x-forwarded-proto when that is a valid scheme, else from TLS (getScheme)
        if (!headers.has(":scheme")) {
            String xfp = headers.value("x-forwarded-proto");
            headers.setInline(":scheme", xfp.equals("http") || xfp.equals("https") ? xfp : (request.tls() ? "https" : "http"));
        }
        boolean internal = allowTrustedAddressChecks && finalRemote != null
                && new Address(finalRemote, 0).isInternal();
        if (finalRemote == null) {
            finalRemote = peer.ip();
        }
        boolean edge = !internal && config.useRemoteAddress();
        if (internal) {
            headers.setInline("x-envoy-internal", "true");
        } else {
            cleanInternalHeaders(headers, edge);
        }
        // the first ingress point into the trusted network records who the client was
        if (edge) {
            headers.setInline("x-envoy-external-address", finalRemote);
        }
        // the uuid request-id extension: always at the edge (preserve_external_request_id off), else only if absent
        if (config.generateRequestId() && (edge || !headers.has("x-request-id"))) {
            headers.setInline("x-request-id", UUID.randomUUID().toString());
        }
        mutateXfcc(headers, request);
        return finalRemote;
    }

    // source/common/http/conn_manager_utility.cc, ConnectionManagerUtility::cleanInternalHeaders
    private static void cleanInternalHeaders(EnvoyHeaderMap headers, boolean edge) {
        if (edge) {
            headers.remove("x-envoy-decorator-operation");
            headers.remove("x-envoy-downstream-service-cluster");
            headers.remove("x-envoy-downstream-service-node");
        }
        for (String name : List.of("x-envoy-retriable-status-codes", "x-envoy-retriable-header-names", "x-envoy-retry-on",
                "x-envoy-retry-grpc-on", "x-envoy-max-retries", "x-envoy-upstream-alt-stat-name",
                "x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms",
                "x-envoy-upstream-rq-timeout-alt-response", "x-envoy-expected-rq-timeout-ms", "x-envoy-force-trace",
                "x-envoy-ip-tags", "x-envoy-original-url", "x-envoy-hedge-on-per-try-timeout")) {
            headers.remove(name);
        }
    }

    // source/common/http/conn_manager_utility.cc, ConnectionManagerUtility::mutateXfccRequestHeader
    private void mutateXfcc(EnvoyHeaderMap headers, DownstreamRequest request) {
        ForwardClientCert mode = config.forwardClientCert();
        if (mode == ForwardClientCert.ALWAYS_FORWARD_ONLY) {
            return;
        }
        if (mode == ForwardClientCert.SANITIZE || request.peerPrincipal().isEmpty()) {
            headers.remove("x-forwarded-client-cert");
            return;
        }
        if (mode == ForwardClientCert.FORWARD_ONLY) {
            return;
        }
        List<String> details = new ArrayList<>();
        config.localPrincipal().ifPresent(by -> details.add("By=" + by));
        if (config.setCurrentClientCertUri()) {
            details.add("URI=" + request.peerPrincipal().orElse(""));
        }
        String element = String.join(";", details);
        if (mode == ForwardClientCert.APPEND_FORWARD) {
            headers.append("x-forwarded-client-cert", element);
        } else {
            headers.setInline("x-forwarded-client-cert", element);
        }
    }

    private static boolean isUpgrade(EnvoyHeaderMap headers) {
        return headers.has("upgrade") && headers.value("connection").toLowerCase(java.util.Locale.ROOT).contains("upgrade");
    }
}
