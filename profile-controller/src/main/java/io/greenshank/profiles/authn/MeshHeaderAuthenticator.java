package io.greenshank.profiles.authn;

import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.SpiffeId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Trusts the user-id header only on requests that provably came through the mesh from a configured principal:
 * the sidecar in front of this service terminates mTLS and appends the peer's SPIFFE id to
 * {@code x-forwarded-client-cert} (Istio's inbound {@code APPEND_FORWARD}; on a connection without a client certificate
 * Envoy removes the header), so only the last element is the sidecar's own word, and it must name
 * one of the trusted principals (normally the ingress gateway, which sets the header after authenticating the user).
 * This is only sound when the service is reachable solely through its sidecar (STRICT mTLS).
 */
public final class MeshHeaderAuthenticator implements CallerAuthenticator {

    public static final String XFCC = "x-forwarded-client-cert";

    private final Set<String> trustedPrincipals;
    private final IdentityHeaders headers;

    public MeshHeaderAuthenticator(Set<String> trustedPrincipals, IdentityHeaders headers) {
        this.trustedPrincipals = Set.copyOf(trustedPrincipals);
        this.headers = headers;
    }

    /** The SPIFFE id of the last XFCC element (the hop this service's sidecar saw); empty if absent or malformed. */
    static Optional<SpiffeId> lastHopPeer(CallerRequest request) {
        return request.header(XFCC)
                .flatMap(ForwardedClientCert::parse)
                .flatMap(ForwardedClientCert::lastPeerUri)
                .flatMap(SpiffeId::parse);
    }

    @Override
    public Identity authenticate(CallerRequest request) {
        String userValue = request.header(headers.userHeader())
                .orElseThrow(() -> new AuthenticationException("no bearer token and no " + headers.userHeader() + " header"));
        SpiffeId peer = lastHopPeer(request)
                .orElseThrow(() -> new AuthenticationException(headers.userHeader()
                        + " header is trusted only from the mesh: no verifiable " + XFCC + " peer"));
        if (!trustedPrincipals.contains(peer.principal())) {
            throw new AuthenticationException(headers.userHeader() + " header came from " + peer.principal()
                    + ", which is not a trusted principal");
        }
        String user = headers.userFromHeader(userValue)
                .orElseThrow(() -> new AuthenticationException(headers.userHeader() + " header lacks the configured prefix"));
        List<String> groups = request.header(headers.groupsHeader())
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new Identity(user, groups, Optional.empty(), Optional.empty(), Optional.of(peer),
                AuthMethod.TRUSTED_HEADER, Map.of(), Optional.empty());
    }
}
