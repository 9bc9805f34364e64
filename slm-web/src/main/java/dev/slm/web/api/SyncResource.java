package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.TriggerType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
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

    /** The options every sync trigger accepts: {@code restart} (default true), {@code restart_type} (default graceful). */
    record Options(boolean restart, RestartType type) {
        static Options read(JsonValue body) {
            if (body == null || body.getValueType() == JsonValue.ValueType.NULL) {
                return new Options(true, RestartType.GRACEFUL);
            }
            JsonInput in = JsonInput.of(body);
            RestartType type = in.string("restart_type").map(t -> {
                try {
                    return RestartType.valueOf(t.toUpperCase());
                } catch (IllegalArgumentException e) {
                    throw new InvalidInput("restart_type must be one of immediate, graceful, manual");
                }
            }).orElse(RestartType.GRACEFUL);
            return new Options(in.bool("restart").orElse(true), type);
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sync(@PathParam("id") String nodeId, JsonValue body, @Context SecurityContext security) {
        Options o = Options.read(body);
        SyncOperation op = operations.request(nodeId, o.restart(), o.type(), security.getUserPrincipal().getName(),
                TriggerType.NODE);
        return Response.accepted(OperationView.of(op, List.of()))
                .location(URI.create("api/operations/" + op.id()))
                .build();
    }
}
