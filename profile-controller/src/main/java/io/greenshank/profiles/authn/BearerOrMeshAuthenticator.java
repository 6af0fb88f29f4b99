package io.greenshank.profiles.authn;

import io.greenshank.identity.Identity;
import java.util.Locale;
import java.util.Optional;

/**
 * A request with {@code Authorization: Bearer} is judged by its token alone (an invalid token is refused, never
 * retried as a header identity); any other request by the mesh header rule.
 */
public final class BearerOrMeshAuthenticator implements CallerAuthenticator {

    private final Optional<CallerAuthenticator> bearer;
    private final Optional<CallerAuthenticator> mesh;

    public BearerOrMeshAuthenticator(Optional<CallerAuthenticator> bearer, Optional<CallerAuthenticator> mesh) {
        this.bearer = bearer;
        this.mesh = mesh;
    }

    @Override
    public Identity authenticate(CallerRequest request) {
        Optional<String> authorization = request.header("authorization");
        if (authorization.isPresent() && authorization.get().toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return bearer.orElseThrow(() -> new AuthenticationException("bearer tokens are not accepted: no issuer configured"))
                    .authenticate(request);
        }
        return mesh.orElseThrow(() -> new AuthenticationException("no bearer token, and the mesh header is disabled"))
                .authenticate(request);
    }
}
