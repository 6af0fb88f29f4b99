package io.greenshank.authz.policy;

import io.greenshank.authz.policy.match.IpBlock;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy can see of a request, in Istio's attribute vocabulary. The path is already normalized; headers have
 * lower-case names. Built by the Check (or by {@code explain}) and judged by the engine without any other context.
 *
 * @param sourcePrincipal  the mTLS peer ({@code source.principal}, {@code cluster.local/ns/x/sa/y}), or null
 * @param sourceNamespace  the peer's namespace ({@code source.namespace}), or null
 * @param sourceIp         the direct peer address ({@code source.ip}), or null
 * @param remoteIp         the original client address ({@code remote.ip}, from X-Forwarded-For), or null
 * @param identity         the authenticated caller, if any; token claims feed {@code request.auth.*}
 * @param method           HTTP method
 * @param host             {@code :authority}, lower-cased, with the port if the client sent one
 * @param path             the normalized path without query
 * @param headers          request headers, lower-case names
 * @param sni              {@code connection.sni}, or null
 * @param destination      the workload being called
 */
public record PolicyRequest(
        String sourcePrincipal,
        String sourceNamespace,
        String sourceIp,
        String remoteIp,
        Optional<Identity> identity,
        String method,
        String host,
        String path,
        Map<String, String> headers,
        String sni,
        Destination destination,
        byte[] sourceAddress,
        byte[] remoteAddress,
        byte[] destinationAddress) {

    public PolicyRequest {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(destination, "destination");
        method = method == null ? "" : method;
        host = host == null ? "" : host.toLowerCase(Locale.ROOT);
        path = path == null ? "" : path;
        headers = headers == null ? Map.of() : headers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code request.auth.principal}: {@code <iss>/<sub>} of a verified token. */
    public String requestPrincipal() {
        return tokenIdentity().flatMap(Identity::requestPrincipal).orElse(null);
    }

    /** Claims of a verified token, or an empty map (mesh and directory identities carry no claims). */
    public Map<String, Object> claims() {
        return tokenIdentity().map(Identity::claims).orElse(Map.of());
    }

    /** {@code request.auth.audiences}: the {@code aud} claim as a list. */
    public List<String> audiences() {
        Object aud = claims().get("aud");
        if (aud instanceof String s) {
            return List.of(s);
        }
        if (aud instanceof Collection<?> c) {
            return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    /** {@code request.auth.presenter}: the {@code azp} claim. */
    public String presenter() {
        return claims().get("azp") instanceof String s ? s : null;
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    private Optional<Identity> tokenIdentity() {
        return identity.filter(i -> i.method() == AuthMethod.JWT);
    }

    public static final class Builder {
        private String sourcePrincipal;
        private String sourceNamespace;
        private String sourceIp;
        private String remoteIp;
        private Optional<Identity> identity = Optional.empty();
        private String method = "GET";
        private String host = "";
        private String path = "/";
        private Map<String, String> headers = Map.of();
        private String sni;
        private Destination destination;

        public Builder sourcePrincipal(String v) {
            sourcePrincipal = v;
            if (v != null && sourceNamespace == null) {
                io.greenshank.identity.SpiffeId.parse(v).ifPresent(id -> sourceNamespace = id.namespace());
            }
            return this;
        }

        public Builder sourceNamespace(String v) {
            sourceNamespace = v;
            return this;
        }

        public Builder sourceIp(String v) {
            sourceIp = v;
            return this;
        }

        public Builder remoteIp(String v) {
            remoteIp = v;
            return this;
        }

        public Builder identity(Identity v) {
            identity = Optional.ofNullable(v);
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder path(String v) {
            path = v;
            return this;
        }

        public Builder headers(Map<String, String> v) {
            headers = v;
            return this;
        }

        public Builder sni(String v) {
            sni = v;
            return this;
        }

        public Builder destination(Destination v) {
            destination = v;
            return this;
        }

        public PolicyRequest build() {
            String remote = remoteIp != null ? remoteIp : sourceIp;
            return new PolicyRequest(sourcePrincipal, sourceNamespace, sourceIp, remote, identity, method, host, path,
                    headers, sni, destination, IpBlock.parseLiteral(sourceIp), IpBlock.parseLiteral(remote),
                    IpBlock.parseLiteral(destination == null ? null : destination.ip()));
        }
    }
}
