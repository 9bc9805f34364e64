package dev.slm.web.api;

import dev.slm.rollout.boundary.Rollouts;
import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * Rolling rollouts ({@code POST /api/fleet/sync} with {@code "strategy": "rolling"} starts one): {@code GET
 * /api/rollouts} (the newest, unfinished first), {@code GET /api/rollouts/{id}}, and {@code POST
 * /api/rollouts/{id}/pause|resume|abort} (the operator role: the EJB). Each answers the rollout as it is after it.
 */
@ApplicationScoped
@Path("rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutsResource {

    @Inject
    Rollouts rollouts;

    /** The list, without each rollout's nodes (10,000 of them made one rollout 180 KB): {@code GET /api/rollouts/{id}} has them. */
    @GET
    public List<RolloutView> recent(@QueryParam("limit") @DefaultValue("20") String limit) {
        long n = OperationsResource.pathNumber("limit", limit);
        if (n < 1 || n > 200) {
            throw new dev.slm.platform.InvalidInput("limit must be between 1 and 200");
        }
        return rollouts.summaries((int) n).stream().map(RolloutView::summary).toList();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        long rolloutId = OperationsResource.pathNumber("rollout id", id);
        return rollouts.view(rolloutId).map(v -> Response.ok(RolloutView.of(v, null)).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no rollout " + rolloutId));
    }

    @POST
    @Path("{id}/pause")
    public RolloutView pause(@PathParam("id") String id, @Context SecurityContext security) {
        return act(id, security, rollouts::pause);
    }

    @POST
    @Path("{id}/resume")
    public RolloutView resume(@PathParam("id") String id, @Context SecurityContext security) {
        return act(id, security, rollouts::resume);
    }

    @POST
    @Path("{id}/abort")
    public RolloutView abort(@PathParam("id") String id, @Context SecurityContext security) {
        return act(id, security, rollouts::abort);
    }

    /** An operator's action on a rollout (the EJB checks the role and the state), answered with the rollout after it. */
    private RolloutView act(String id, SecurityContext security, java.util.function.BiConsumer<Long, String> action) {
        long rolloutId = OperationsResource.pathNumber("rollout id", id);
        action.accept(rolloutId, security.getUserPrincipal().getName());
        return view(rolloutId);
    }

    private RolloutView view(long id) {
        return rollouts.view(id).map(v -> RolloutView.of(v, null))
                .orElseThrow(() -> new dev.slm.platform.NotFound("no rollout " + id));
    }
}
