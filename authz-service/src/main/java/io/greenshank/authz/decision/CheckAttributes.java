package io.greenshank.authz.decision;

import java.util.Map;
import java.util.Objects;

/**
 * What Envoy tells us about one request, independent of the protocol (gRPC {@code CheckRequest} or HTTP
 * {@code http_service}) it arrived by. Header names are lower-case; repeated headers are joined with ",".
 *
 * @param protocol          {@code grpc} or {@code http}: which ext_authz protocol carried the check
 * @param path              the request path without query string
 * @param query             the query string without {@code ?}, or empty
 * @param source            the downstream peer (principal is the SPIFFE URI from its mTLS certificate, if any)
 * @param destination       the local workload Envoy fronts
 * @param sni               the TLS server name the client asked for, or empty
 * @param contextExtensions per-route {@code context_extensions} from the Envoy configuration
 */
public record CheckAttributes(String protocol, String method, String scheme, String host, String path, String query,
                              Map<String, String> headers, Peer source, Peer destination, String sni,
                              Map<String, String> contextExtensions) {

    /** One end of the connection. Empty strings and port 0 mean "not known". */
    public record Peer(String principal, String address, int port) {
        public static final Peer UNKNOWN = new Peer("", "", 0);

        public Peer {
            principal = principal == null ? "" : principal;
            address = address == null ? "" : address;
        }
    }

    public CheckAttributes {
        Objects.requireNonNull(protocol, "protocol");
        method = method == null ? "" : method;
        scheme = scheme == null ? "" : scheme;
        host = host == null ? "" : host;
        path = path == null ? "" : path;
        query = query == null ? "" : query;
        headers = headers == null ? Map.of() : headers;
        source = source == null ? Peer.UNKNOWN : source;
        destination = destination == null ? Peer.UNKNOWN : destination;
        sni = sni == null ? "" : sni;
        contextExtensions = contextExtensions == null ? Map.of() : contextExtensions;
    }

    /** The same request with the source peer's principal replaced. */
    public CheckAttributes withSourcePrincipal(String principal) {
        return new CheckAttributes(protocol, method, scheme, host, path, query, headers,
                new Peer(principal, source.address(), source.port()), destination, sni, contextExtensions);
    }

    /** The same request with the source peer's address replaced. */
    public CheckAttributes withSourceAddress(String address) {
        return new CheckAttributes(protocol, method, scheme, host, path, query, headers,
                new Peer(source.principal(), address, source.port()), destination, sni, contextExtensions);
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** Splits an HTTP request target into path and query. */
    public static String[] splitTarget(String target) {
        if (target == null) {
            return new String[]{"", ""};
        }
        int q = target.indexOf('?');
        return q < 0 ? new String[]{target, ""} : new String[]{target.substring(0, q), target.substring(q + 1)};
    }
}
