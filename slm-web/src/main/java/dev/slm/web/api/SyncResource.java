package dev.slm.web.api;

import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.TriggerType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.util.List;

/** {@code POST /api/nodes/{id}/sync}: move one node to the latest commit. */
@ApplicationScoped
@Path("nodes/{id}/sync")
public class SyncResource {

    @Inject
    SyncOperations operations;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sync(@PathParam("id") String nodeId, @Valid Requests.Sync body, @Context SecurityContext security) {
        Requests.Sync o = body == null ? Requests.Sync.DEFAULTS : body;
        SyncOperation op = operations.request(nodeId, o.restarts(), o.type(), security.getUserPrincipal().getName(),
                TriggerType.NODE, o.reinstalls(), o.targetCommit(), null, o.overridesWindow());
        return Response.accepted(OperationView.of(op, List.of()))
                .location(URI.create("api/operations/" + op.id()))
                .build();
    }
}
