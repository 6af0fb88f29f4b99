package io.greenshank.bridge.oidc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The issuer URL: {@code greenshank.bridge.issuer} when set (always in production: the Kubernetes API server
 * and every relying party compare it byte for byte), otherwise the URL the request came in on (dev and tests).
 */
@ApplicationScoped
public class Issuer {

    private static final Logger LOG = Logger.getLogger(Issuer.class);

    private final Optional<String> configured;

    public Issuer(@ConfigProperty(name = "greenshank.bridge.issuer") Optional<String> configured) {
        this.configured = configured.map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        if (this.configured.isEmpty()) {
            LOG.warn("greenshank.bridge.issuer is not set: the issuer follows the request URL (dev/test only)");
        }
    }

    /** The configured issuer; empty in dev and tests that leave it to the request URL. */
    public Optional<String> configured() {
        return configured;
    }

    public String of(UriInfo uri) {
        return configured.orElseGet(() -> of(uri.getBaseUri().toString()));
    }

    /** @param requestBase the URL the request came in on, up to the application's root */
    public String of(String requestBase) {
        if (configured.isPresent()) {
            return configured.get();
        }
        return requestBase.endsWith("/") ? requestBase.substring(0, requestBase.length() - 1) : requestBase;
    }
}
