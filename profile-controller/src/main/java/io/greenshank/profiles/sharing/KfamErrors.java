package io.greenshank.profiles.sharing;

import io.greenshank.profiles.authn.AuthenticationException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals as {@code {"error": reason}} with the matching status, each logged and counted. */
public class KfamErrors {

    private static final Logger LOG = Logger.getLogger(KfamErrors.class);

    @Inject
    MeterRegistry registry;

    @ServerExceptionMapper
    public Response refused(SharingException e) {
        registry.counter("greenshank.profiles.sharing.refusals", "status", String.valueOf(e.status())).increment();
        LOG.infof("sharing request refused (%d): %s", e.status(), e.getMessage());
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(Map.of("error", e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationException e) {
        registry.counter("greenshank.profiles.sharing.refusals", "status", "401").increment();
        LOG.infof("sharing request unauthenticated: %s", e.getMessage());
        return Response.status(401).header("WWW-Authenticate", "Bearer").type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", e.getMessage())).build();
    }
}
