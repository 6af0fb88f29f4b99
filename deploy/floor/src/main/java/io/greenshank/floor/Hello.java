package io.greenshank.floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** The floor's one endpoint: the load its benchmark phase applies. */
@Path("/hello")
public class Hello {

    @GET
    public String hello() {
        return "hello";
    }
}
