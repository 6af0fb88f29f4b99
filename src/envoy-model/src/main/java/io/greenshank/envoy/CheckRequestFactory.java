package io.greenshank.envoy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The {@code CheckRequest} ext_authz builds from the request as the connection manager left it. For the HTTP protocol
 * the same message is built and then turned into an HTTP request.
 */
// source/extensions/filters/common/ext_authz/check_request_utils.cc, CheckRequestUtils::createHttpCheck
final class CheckRequestFactory {

    private static final AtomicLong STREAM_IDS = new AtomicLong(1000);

    /** The four headers the HTTP protocol always sends (toRequestMatchers with add_http_headers). */
    private static final List<String> HTTP_ALWAYS_SENT = List.of("authorization", ":method", ":path", ":authority");

    private final ExtAuthzConfig config;
    private final Codec codec;

    CheckRequestFactory(ExtAuthzConfig config, Codec codec) {
        this.config = config;
        this.codec = codec;
    }

    CheckRequest create(EnvoyHeaderMap headers, DownstreamRequest request, ConnectionManagerConfig hcm) {
        AttributeContext.Builder attrs = AttributeContext.newBuilder();
        // setAttrContextPeer: the source is the connection's remote address (the direct peer, whatever
        // x-forwarded-for says), its principal the peer certificate's URI SAN; the destination is the local side
        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder()
                .setAddress(socketAddress(request.peer()));
        request.peerPrincipal().ifPresent(p -> source.setPrincipal(Octets.sanitizedUtf8(p)));
        String service = headers.value("x-envoy-downstream-service-cluster");
        if (!service.isEmpty()) {
            source.setService(Octets.sanitizedUtf8(service));
        }
        AttributeContext.Peer.Builder destination = AttributeContext.Peer.newBuilder()
                .setAddress(socketAddress(request.local()));
        if (request.tls()) {
            hcm.localPrincipal().ifPresent(p -> destination.setPrincipal(Octets.sanitizedUtf8(p)));
        }
        attrs.setSource(source).setDestination(destination);

        // setHttpRequest: method, path, host and scheme are the pseudo-headers; query and fragment stay unset
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
                .setId(Long.toString(STREAM_IDS.incrementAndGet()))
                .setMethod(Octets.sanitizedUtf8(headers.value(":method")))
                .setPath(Octets.sanitizedUtf8(headers.value(":path")))
                .setHost(Octets.sanitizedUtf8(headers.value(":authority")))
                .setScheme(Octets.sanitizedUtf8(headers.value(":scheme")))
                .setProtocol(codec.protocolString());
        Predicate<String> allowed = allowedHeaders();
        if (config.encodeRawHeaders()) {
            HeaderMap.Builder raw = HeaderMap.newBuilder();
            for (Header h : headers.entries()) {
                if (sendable(h.name(), allowed)) {
                    raw.addHeaders(HeaderValue.newBuilder().setKey(h.name())
                            .setRawValue(ByteString.copyFrom(Octets.bytes(h.value()))));
                }
            }
            http.setHeaderMap(raw);
        } else {
            // pseudo-headers included; a repeated name is merged into one value with ","
            Map<String, String> merged = new LinkedHashMap<>();
            for (Header h : headers.entries()) {
                if (sendable(h.name(), allowed)) {
                    merged.merge(h.name(), Octets.sanitizedUtf8(h.value()), (a, b) -> a + "," + b);
                }
            }
            http.putAllHeaders(merged);
        }
        Instant now = Instant.now();
        attrs.setRequest(AttributeContext.Request.newBuilder()
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setHttp(http));
        attrs.putAllContextExtensions(config.contextExtensions());
        return CheckRequest.newBuilder().setAttributes(attrs).build();
    }

    /** A client's own {@code x-envoy-auth-partial-body} is never passed on (it would confuse the server). */
    private static boolean sendable(String name, Predicate<String> allowed) {
        return !name.equals("x-envoy-auth-partial-body") && allowed.test(name);
    }

    /**
     * gRPC: every header unless {@code allowed_headers} is set. HTTP: {@code allowed_headers} plus
     * {@code authorization}, {@code :method}, {@code :path} and {@code :authority}.
     */
    // source/extensions/filters/http/ext_authz/ext_authz.cc, FilterConfig::FilterConfig (allowed_headers_matcher_);
    // check_request_utils.cc, CheckRequestUtils::toRequestMatchers
    private Predicate<String> allowedHeaders() {
        List<StringMatcher> list = config.allowedHeaders().orElse(List.of());
        if (config.usesHttpService()) {
            return name -> HTTP_ALWAYS_SENT.contains(name) || list.stream().anyMatch(m -> m.matches(name));
        }
        if (config.allowedHeaders().isEmpty()) {
            return name -> true;
        }
        return name -> list.stream().anyMatch(m -> m.matches(name));
    }

    private static io.envoyproxy.envoy.config.core.v3.Address socketAddress(Address a) {
        return io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(a.ip()).setPortValue(a.port())).build();
    }
}
