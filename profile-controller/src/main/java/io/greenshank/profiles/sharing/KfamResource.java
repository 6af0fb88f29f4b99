package io.greenshank.profiles.sharing;

import io.greenshank.identity.Identity;
import io.greenshank.profiles.authn.AuthenticationException;
import io.greenshank.profiles.authn.Caller;
import io.greenshank.profiles.authn.CallerRequest;
import io.greenshank.profiles.authn.CallerResolver;
import io.greenshank.profiles.crd.Profile;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Kubeflow's access-management API (KFAM), path for path and shape for shape, so the central dashboard works
 * unchanged, with authentication and authorization on every call.
 */
@Path("/kfam/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "kfam", description = "Kubeflow profile sharing (KFAM-compatible)")
public class KfamResource {

    @Inject
    SharingService sharing;
    @Inject
    CallerResolver callers;
    @Context
    HttpHeaders headers;

    private Caller resolve() {
        return callers.resolve(new CallerRequest(headers::getHeaderString));
    }

    /** For calls that change bindings or delete: a person, never a delegate speaking for nobody. */
    private Identity caller() {
        Caller c = resolve();
        if (c instanceof Caller.Person p) {
            return p.identity();
        }
        throw new AuthenticationException(((Caller.Delegate) c).peer().principal() + " may only read and create "
                + "profiles on a user's behalf; for this call it must forward the user's identity header");
    }

    @GET
    @Path("/bindings")
    @Operation(summary = "List bindings the caller may see, filtered by user, namespace and role")
    @APIResponse(responseCode = "200", description = "the matching bindings")
    public BindingEntries listBindings(
            @Parameter(description = "a user id; the caller's own group bindings are included when it is the caller")
            @QueryParam("user") String user,
            @QueryParam("namespace") String namespace,
            @Parameter(description = "admin, edit or view (or kubeflow-admin / kubeflow-edit / kubeflow-view)")
            @QueryParam("role") String role) {
        Caller c = resolve();
        if (c instanceof Caller.Person p) {
            return new BindingEntries(sharing.list(p.identity(), blankToEmpty(user), blankToEmpty(namespace),
                    blankToEmpty(role)));
        }
        return new BindingEntries(sharing.listForDelegate(blankToEmpty(user), blankToEmpty(namespace), blankToEmpty(role)));
    }

    @POST
    @Path("/bindings")
    @Operation(summary = "Add a contributor (RoleBinding and Istio policy, together or not at all)")
    @APIResponse(responseCode = "200", description = "the contributor exists")
    public Binding addBinding(Binding binding) {
        return sharing.add(caller(), binding);
    }

    @DELETE
    @Path("/bindings")
    @Operation(summary = "Remove a contributor; succeeds when half of the pair is already gone")
    @APIResponse(responseCode = "200", description = "the contributor is gone")
    public Response deleteBinding(Binding binding) {
        sharing.remove(caller(), binding);
        return Response.ok().build();
    }

    @GET
    @Path("/role/clusteradmin")
    @Operation(summary = "Whether a user is a cluster admin (the caller, or anyone when the caller is an admin)")
    public boolean isClusterAdmin(@QueryParam("user") String user) {
        Caller c = resolve();
        if (c instanceof Caller.Delegate d) {
            if (user == null || user.isBlank()) {
                throw SharingException.badRequest(d.peer().principal() + " must name the user (?user=) it asks about");
            }
            return sharing.isClusterAdmin(user);
        }
        Identity who = ((Caller.Person) c).identity();
        if (user == null || user.isBlank() || user.equalsIgnoreCase(who.user())) {
            return sharing.isClusterAdmin(who);
        }
        if (!sharing.isClusterAdmin(who)) {
            throw SharingException.forbidden(who.user() + " may only ask about themselves");
        }
        return sharing.isClusterAdmin(user);
    }

    @POST
    @Path("/profiles")
    @Operation(summary = "Create a profile; for someone else only as a cluster admin")
    public Response createProfile(Profile profile) {
        Caller c = resolve();
        Profile created = c instanceof Caller.Delegate d ? sharing.createProfileFor(d.peer(), profile)
                : sharing.createProfile(((Caller.Person) c).identity(), profile);
        return Response.ok(created).build();
    }

    @DELETE
    @Path("/profiles/{name}")
    @Operation(summary = "Delete a profile: its owner, a cluster admin, or someone RBAC allows to delete it")
    public Response deleteProfile(@PathParam("name") String name) {
        sharing.deleteProfile(caller(), name);
        return Response.ok().build();
    }

    private static Optional<String> blankToEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
