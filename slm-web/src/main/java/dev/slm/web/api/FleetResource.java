package dev.slm.web.api;

import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.entity.Node;
import dev.slm.packages.boundary.NotDeployable;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.boundary.NodeBusy;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code POST /api/fleet/sync}: {@code {"node_ids": [...]}} or {@code {"all_outdated": true}}, with the options of a
 * single sync. One operation per node through the same path; each node's outcome is reported on its own.
 */
@ApplicationScoped
@Path("fleet/sync")
public class FleetResource {

    @Inject
    SyncOperations operations;

    @Inject
    FleetStatus fleet;

    public record Outcome(String nodeId, String result, Long operationId, String detail) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sync(JsonValue body, @Context SecurityContext security) {
        JsonInput in = JsonInput.of(body);
        SyncResource.Options options = SyncResource.Options.read(body);
        String strategy = in.string("strategy").orElse("parallel");
        if (strategy.equals("rolling")) {
            return Problem.response(501, "Not Implemented", "rolling rollouts come with the fleet issue");
        }
        if (!strategy.equals("parallel")) {
            throw new InvalidInput("strategy must be parallel (or rolling, not yet available)");
        }
        LinkedHashSet<String> nodes = new LinkedHashSet<>(in.strings("node_ids"));
        if (in.bool("all_outdated").orElse(false)) {
            fleet.notUpToDate().stream().map(Node::id).forEach(nodes::add);
        }
        if (nodes.isEmpty()) {
            throw new InvalidInput("name the nodes in node_ids, or set all_outdated to true");
        }
        String user = security.getUserPrincipal().getName();
        List<Outcome> outcomes = new ArrayList<>();
        for (String node : nodes) {
            try {
                long id = operations.request(node, options.restart(), options.type(), user, TriggerType.FLEET).id();
                outcomes.add(new Outcome(node, "created", id, null));
            } catch (NodeBusy e) {
                outcomes.add(new Outcome(node, "busy", e.operationId(), e.getMessage()));
            } catch (NotDeployable e) {
                if (outcomes.stream().noneMatch(o -> o.result().equals("created"))) {
                    throw e; // 409: nothing was created
                }
                outcomes.add(new Outcome(node, "refused", null, e.getMessage())); // a new latest commit arrived meanwhile
            } catch (NotFound | Conflict e) {
                outcomes.add(new Outcome(node, "refused", null, e.getMessage()));
            }
        }
        return Response.accepted(outcomes).build();
    }
}
