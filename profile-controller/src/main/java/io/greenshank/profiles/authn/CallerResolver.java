package io.greenshank.profiles.authn;

import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.SpiffeId;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a delegate from a person. A request whose last XFCC hop (written by this service's own sidecar, see
 * {@link MeshHeaderAuthenticator}) is a delegation principal is the delegate itself when it names no user, or the user
 * it forwards in the user-id header; everything else is judged by the people's rules unchanged. A bearer token always
 * speaks for itself.
 */
public final class CallerResolver {

    private final CallerAuthenticator people;
    private final Delegation delegation;
    private final IdentityHeaders headers;
    private final MeshHeaderAuthenticator forwardedUser;
    private final MeterRegistry registry;

    public CallerResolver(CallerAuthenticator people, Delegation delegation, IdentityHeaders headers,
            MeterRegistry registry) {
        this.people = people;
        this.delegation = delegation;
        this.headers = headers;
        this.forwardedUser = new MeshHeaderAuthenticator(delegation.principals(), headers);
        this.registry = registry;
    }

    public Caller resolve(CallerRequest request) {
        boolean bearer = request.header("authorization")
                .map(a -> a.toLowerCase(Locale.ROOT).startsWith("bearer ")).orElse(false);
        Optional<SpiffeId> peer = bearer ? Optional.empty() : MeshHeaderAuthenticator.lastHopPeer(request);
        boolean delegatePeer = peer.map(p -> delegation.names(p.principal())).orElse(false);
        if (delegatePeer && delegation.enabled()) {
            if (request.header(headers.userHeader()).isPresent()) {
                return new Caller.Person(forwardedUser.authenticate(request));
            }
            registry.counter("greenshank.profiles.delegated.calls", "principal", peer.get().principal()).increment();
            return new Caller.Delegate(peer.get());
        }
        try {
            return new Caller.Person(people.authenticate(request));
        } catch (AuthenticationException e) {
            if (delegatePeer) {
                throw new AuthenticationException(peer.get().principal() + " may act for users only with "
                        + "greenshank.profiles.authn.delegation.enabled=true, which asserts that this port is reachable "
                        + "only through its sidecar; it is off here (" + e.getMessage() + ")");
            }
            throw e;
        }
    }
}
