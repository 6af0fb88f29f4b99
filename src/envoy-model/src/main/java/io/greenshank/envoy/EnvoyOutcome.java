package io.greenshank.envoy;

import java.util.List;
import java.util.Optional;

/** The one thing that happens to a request: it reaches the upstream, or Envoy answers the client. */
public sealed interface EnvoyOutcome {

    /**
     * The downstream remote address the connection manager computed (from the peer, or from
     * {@code x-forwarded-for} with trusted hops); the direct peer when the codec rejected the request.
     */
    String downstreamRemoteAddress();

    /** The call made to the authorization server, if the request got that far. */
    Optional<AuthorizationCall> authorizationCall();

    /** The forwarded request; fails the test if Envoy answered the client instead. */
    UpstreamRequest upstream();

    /** The client's response; fails the test if the request was forwarded instead. */
    ClientResponse clientResponse();

    boolean forwarded();

    /**
     * Forwarded upstream.
     *
     * @param responseHeaderMutations what ext_authz will apply to the upstream's response on its way to the client
     *                                ({@code response_headers_to_add}, {@code allowed_client_headers_on_success})
     */
    record Forwarded(UpstreamRequest upstream, List<HeaderMutation> responseHeaderMutations,
                     String downstreamRemoteAddress, Optional<AuthorizationCall> authorizationCall)
            implements EnvoyOutcome {

        public Forwarded {
            responseHeaderMutations = List.copyOf(responseHeaderMutations);
        }

        @Override
        public ClientResponse clientResponse() {
            throw new AssertionError("Envoy forwarded the request upstream instead of answering the client: " + upstream);
        }

        @Override
        public boolean forwarded() {
            return true;
        }
    }

    /** Answered by Envoy; nothing reached the upstream. */
    record Answered(ClientResponse clientResponse, String downstreamRemoteAddress,
                    Optional<AuthorizationCall> authorizationCall) implements EnvoyOutcome {

        @Override
        public UpstreamRequest upstream() {
            throw new AssertionError("Envoy answered the client instead of forwarding the request: " + clientResponse);
        }

        @Override
        public boolean forwarded() {
            return false;
        }
    }
}
