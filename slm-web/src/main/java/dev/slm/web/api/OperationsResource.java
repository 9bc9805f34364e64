package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Operators' view of sync operations: {@code GET /api/operations/{id}} with its stages, cancelling a pending one, and
 * the history.
 */
@ApplicationScoped
@Path("operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {

    @Inject
    SyncOperations operations;

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        long operationId = operationId(id);
        return operations.find(operationId)
                .map(o -> Response.ok(OperationView.of(o, operations.stages(operationId))).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no operation " + operationId));
    }

    /**
     * {@code POST /api/operations/{id}/cancel}: withdraws an operation no agent has claimed (PENDING), answered with
     * it CANCELLED; 409 once its agent has it or it has ended, 404 for no such operation (the operator role: the EJB).
     */
    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") String id, @Context SecurityContext security) {
        SyncOperation op = operations.cancel(operationId(id), security.getUserPrincipal().getName());
        return Response.ok(OperationView.of(op, operations.stages(op.id()))).build();
    }

    /** An operation id as the path gives it: digits only, within a long (the database's bigserial). */
    static long operationId(String id) {
        return pathNumber("operation id", id);
    }

    /** A number the path or query gives ({@code what} names it in the 400): digits only, within a long. */
    static long pathNumber(String what, String id) {
        if (id == null || !id.matches("[0-9]{1,19}")) {
            throw new InvalidInput(what + " must be a whole number, not '" + JsonRecords.printable(id) + "'");
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new InvalidInput(what + " must be at most " + Long.MAX_VALUE + ", not '" + id + "'");
        }
    }

    /** {@code GET /api/updates/history?node=&status=&from=&to=&page=0&size=50}, newest first (via UpdatesResource). */
    List<OperationView> history(String node, String status, String from, String to, int page, int size) {
        return history(node, status, from, to, null, null, page, size);
    }

    /** {@code trigger}: manual (by hand: a node's or a fleet sync), schedule or rollout; {@code schedule}: its name. */
    List<OperationView> history(String node, String status, String from, String to, String trigger, String schedule,
                                int page, int size) {
        java.util.Set<dev.slm.rollout.entity.TriggerType> triggers = trigger == null ? null : switch (trigger) {
            case "manual" -> dev.slm.rollout.entity.TriggerType.MANUAL;
            case "schedule" -> java.util.EnumSet.of(dev.slm.rollout.entity.TriggerType.SCHEDULE);
            case "rollout" -> java.util.EnumSet.of(dev.slm.rollout.entity.TriggerType.ROLLOUT);
            default -> throw new InvalidInput("trigger must be one of manual, schedule, rollout");
        };
        if (schedule != null && (schedule.isBlank() || schedule.length() > dev.slm.rollout.boundary.Schedules.MAX_NAME)) {
            throw new InvalidInput("schedule must be a schedule's name (1 to 100 characters)");
        }
        if (page < 0 || size < 1 || size > 500) {
            throw new InvalidInput("page must be 0 or more, size between 1 and 500");
        }
        SyncStatus s;
        try {
            s = status == null ? null : SyncStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("status must be one of " + java.util.Arrays.toString(SyncStatus.values()));
        }
        return operations.history(node, s, instant("from", from), instant("to", to), triggers, schedule, page, size).stream()
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
