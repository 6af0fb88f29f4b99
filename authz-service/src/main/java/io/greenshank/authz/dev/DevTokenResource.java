package io.greenshank.authz.dev;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /dev/token?user=…&groups=a,b&ttl=1h} mints a development token; {@code GET /dev/jwks.json} shows its key.
 * Minting answers callers on this machine only (a loopback peer), also when the dev run is opened to the network.
 */
@Path("/dev")
public class DevTokenResource {

    @Inject
    Instance<Optional<DevIssuer>> devIssuer;

    @POST
    @Path("/token")
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@QueryParam("user") @DefaultValue("alice@example.com") String user,
                        @QueryParam("groups") @DefaultValue("") String groups,
                        @QueryParam("ttl") @DefaultValue("1h") String ttl,
                        @Context HttpServerRequest request) {
        DevIssuer dev = devIssuer.get().orElseThrow(NotFoundException::new);
        if (!fromThisMachine(request.remoteAddress())) {
            throw new WebApplicationException("the development issuer mints tokens for callers on this machine only",
                    Response.Status.FORBIDDEN);
        }
        List<String> groupList = Arrays.stream(groups.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        try {
            return dev.mint(user, groupList, parse(ttl)) + "\n";
        } catch (IllegalArgumentException e) {
            throw new WebApplicationException(e.getMessage(), Response.Status.BAD_REQUEST);
        }
    }

    @GET
    @Path("/jwks.json")
    @Produces(MediaType.APPLICATION_JSON)
    public String jwks() {
        return devIssuer.get().orElseThrow(NotFoundException::new).publicJwks();
    }

    /** The TCP peer (never a forwarded-for header) is a loopback address. */
    static boolean fromThisMachine(SocketAddress peer) {
        if (peer == null || peer.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(peer.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Duration parse(String ttl) {
        try {
            return Duration.parse("PT" + ttl.toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ttl must look like 30m, 1h or 90s");
        }
    }
}
