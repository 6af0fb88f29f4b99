package io.greenshank.authz.explain;

import io.greenshank.authz.config.AuthzConfig;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.enforce.PolicyConfig;
import io.greenshank.authz.policy.enforce.PolicyRuntime;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /explain}: the decision and full trace for a described request, judged by the live policies and the
 * live authentication settings; the response's {@code status} / {@code denial} are what the Check would answer.
 */
@Path("/explain")
public class ExplainResource {

    @Inject
    PolicyRuntime runtime;

    @Inject
    AuthzConfig authz;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Explanation explain(ExplainRequest request) {
        PolicyConfig config = runtime.config();
        if (!config.explainEnabled()) {
            throw new NotFoundException();
        }
        PolicyConfig.Destination d = config.destination();
        return new Explainer(runtime.policies(), runtime.routes(), runtime.normalizer(),
                new Destination(d.namespace(), d.service().orElse(""), d.labels(), "", 0),
                new Explainer.Baseline(config.requireAuthentication(), new PublicPaths(authz.publicPaths()),
                        authz.mesh().authenticatePeers())).explain(request);
    }

    @POST
    @Path("/text")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    public String explainText(ExplainRequest request) {
        return explain(request).render();
    }
}
