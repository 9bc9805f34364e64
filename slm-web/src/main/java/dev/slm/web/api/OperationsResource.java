package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Operators' view of sync operations: {@code GET /api/operations/{id}} with its stages, and the history. */
@ApplicationScoped
@Path("operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {

    @Inject
    SyncOperations operations;

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") long id) {
        return operations.find(id)
                .map(o -> Response.ok(OperationView.of(o, operations.stages(id))).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no operation " + id));
    }

    /** {@code GET /api/updates/history?node=&status=&from=&to=&page=0&size=50}, newest first (via UpdatesResource). */
    List<OperationView> history(String node, String status, String from, String to, int page, int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw new InvalidInput("page must be 0 or more, size between 1 and 500");
        }
        SyncStatus s;
        try {
            s = status == null ? null : SyncStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("status must be one of " + java.util.Arrays.toString(SyncStatus.values()));
        }
        return operations.history(node, s, instant("from", from), instant("to", to), page, size).stream()
                .map(o -> OperationView.of(o, List.of())).toList();
    }

    private static Instant instant(String name, String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(name + " must be an ISO-8601 instant, e.g. 2026-11-27T10:00:00Z");
        }
    }
}
