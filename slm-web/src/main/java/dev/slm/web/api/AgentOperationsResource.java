package dev.slm.web.api;

import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.web.api.security.AgentAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code POST /api/nodes/{node_id}/operations/{id}/progress}: the agent reports a stage of its update. */
@ApplicationScoped
@Path("nodes/{node_id}/operations/{id}/progress")
public class AgentOperationsResource {

    @Inject
    SyncOperations operations;

    @POST
    @AgentAuthenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public OperationView progress(@PathParam("node_id") String nodeId, @PathParam("id") long id, JsonValue body) {
        JsonInput in = JsonInput.of(body);
        Long percent = in.longValue("percent").orElse(null);
        if (percent != null && (percent < 0 || percent > 100)) {
            throw new dev.slm.platform.InvalidInput("percent must be between 0 and 100");
        }
        return OperationView.of(operations.progress(nodeId, id, in.requiredString("stage"),
                percent == null ? null : percent.intValue(), in.string("message").orElse(null)), List.of());
    }
}
