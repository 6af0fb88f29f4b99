package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One request exactly as a client wrote it to Envoy: the request line (or HTTP/2 pseudo-headers), the header fields in
 * the order written, with any letter case and repeats, the trailers, and the connection it came over.
 *
 * @param method        the method as written (validation is the codec's job)
 * @param path          the request target as written: origin form ({@code /a?b}), or absolute form for HTTP/1
 * @param authority     the {@code Host} header (HTTP/1, written first) or {@code :authority} (HTTP/2); empty: none
 * @param tls           whether the downstream connection is TLS ({@code https})
 * @param headers       every header field, in the order written
 * @param trailers      trailer fields sent after the body
 * @param peer          the direct peer: the address of the TCP connection Envoy accepted
 * @param peerPrincipal the mTLS peer certificate's first URI SAN, when the client presented one
 * @param local         the address the client connected to (Envoy's listener)
 */
public record DownstreamRequest(String method, String path, String authority, boolean tls, HeaderList headers,
                                HeaderList trailers, Address peer, Optional<String> peerPrincipal, Address local) {

    public static final Address DEFAULT_PEER = new Address("203.0.113.10", 40000);
    public static final Address DEFAULT_LOCAL = new Address("10.0.0.5", 8080);

    public DownstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(trailers, "trailers");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(peerPrincipal, "peerPrincipal");
        Objects.requireNonNull(local, "local");
        if (peerPrincipal.isPresent() && !tls) {
            throw new IllegalArgumentException("an mTLS peer principal needs a TLS connection");
        }
    }

    public static Builder get(String path) {
        return method("GET", path);
    }

    public static Builder post(String path) {
        return method("POST", path);
    }

    public static Builder method(String method, String path) {
        return new Builder(method, path);
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private String authority = "kubeflow.example.test";
        private boolean tls;
        private final List<Header> headers = new ArrayList<>();
        private final List<Header> trailers = new ArrayList<>();
        private Address peer = DEFAULT_PEER;
        private String peerPrincipal;
        private Address local = DEFAULT_LOCAL;

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The {@code Host} / {@code :authority}; empty to send none. */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        /** Over TLS (the client's scheme is {@code https}). */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** Over mutual TLS, the client certificate's first URI SAN being {@code principal}. */
        public Builder mtlsPeer(String principal) {
            this.tls = true;
            this.peerPrincipal = principal;
            return this;
        }

        public Builder header(String name, String value) {
            headers.add(new Header(name, value));
            return this;
        }

        public Builder headers(HeaderList list) {
            headers.addAll(list.entries());
            return this;
        }

        public Builder trailer(String name, String value) {
            trailers.add(new Header(name, value));
            return this;
        }

        /** The direct peer, {@code "ip:port"}. */
        public Builder from(String peer) {
            this.peer = Address.parse(peer);
            return this;
        }

        /** Envoy's listener address, {@code "ip:port"}. */
        public Builder to(String local) {
            this.local = Address.parse(local);
            return this;
        }

        public DownstreamRequest build() {
            return new DownstreamRequest(method, path, authority, tls, new HeaderList(headers), new HeaderList(trailers),
                    peer, Optional.ofNullable(peerPrincipal), local);
        }
    }
}
