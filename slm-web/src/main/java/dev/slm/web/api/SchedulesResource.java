package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.boundary.Schedules;
import dev.slm.rollout.entity.ScheduleRun;
import dev.slm.rollout.entity.UpdateSchedule;
import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;

/**
 * Update schedules (issue 14; docs/schedules.md): {@code GET|POST /api/updates/schedules}, {@code GET|PUT|DELETE
 * /api/updates/schedules/{id}}, {@code POST .../{id}/enable|disable}, the firings ({@code GET .../{id}/runs}, {@code
 * GET /api/updates/schedules/runs} of all) and the changes to them ({@code GET /api/updates/schedules/changes}).
 * Changes need the operator role (the EJB checks it).
 */
@ApplicationScoped
@Path("updates/schedules")
@Produces(MediaType.APPLICATION_JSON)
public class SchedulesResource {

    @Inject
    Schedules schedules;

    @GET
    public List<ScheduleView> all() {
        return schedules.all().stream().map(this::view).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull(message = "is required") Requests.Schedule body, @Context SecurityContext security) {
        UpdateSchedule s = schedules.create(body.definition(), security.getUserPrincipal().getName());
        return Response.created(URI.create("updates/schedules/" + s.id())).entity(view(s)).build(); // relative to /api/
    }

    @GET
    @Path("runs")
    public List<ScheduleView.RunView> allRuns(@Context UriInfo uri) {
        return schedules.runs(null, limit(uri)).stream().map(ScheduleView.RunView::of).toList();
    }

    @GET
    @Path("changes")
    public List<ScheduleView.ChangeView> changes(@Context UriInfo uri) {
        return schedules.changes(limit(uri)).stream().map(ScheduleView.ChangeView::of).toList();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        long scheduleId = OperationsResource.pathNumber("schedule id", id);
        return schedules.find(scheduleId).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no schedule " + scheduleId));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ScheduleView replace(@PathParam("id") String id, @Valid @NotNull(message = "is required") Requests.Schedule body,
                                @Context SecurityContext security) {
        long scheduleId = OperationsResource.pathNumber("schedule id", id);
        return view(schedules.update(scheduleId, body.definition(), security.getUserPrincipal().getName()));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context SecurityContext security) {
        schedules.delete(OperationsResource.pathNumber("schedule id", id), security.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/enable")
    public ScheduleView enable(@PathParam("id") String id, @Context SecurityContext security) {
        return view(schedules.enable(OperationsResource.pathNumber("schedule id", id), true,
                security.getUserPrincipal().getName()));
    }

    @POST
    @Path("{id}/disable")
    public ScheduleView disable(@PathParam("id") String id, @Context SecurityContext security) {
        return view(schedules.enable(OperationsResource.pathNumber("schedule id", id), false,
                security.getUserPrincipal().getName()));
    }

    @GET
    @Path("{id}/runs")
    public List<ScheduleView.RunView> runs(@PathParam("id") String id, @Context UriInfo uri) {
        long scheduleId = OperationsResource.pathNumber("schedule id", id);
        int n = limit(uri);
        if (schedules.find(scheduleId).isEmpty() && schedules.runs(scheduleId, 1).isEmpty()) {
            throw new NotFound("no schedule " + scheduleId);
        }
        return schedules.runs(scheduleId, n).stream().map(ScheduleView.RunView::of).toList();
    }

    private ScheduleView view(UpdateSchedule s) {
        List<ScheduleRun> last = schedules.runs(s.id(), 1);
        return ScheduleView.of(s, schedules.next(s), last.isEmpty() ? null : last.get(0));
    }

    /**
     * A list's query: {@code limit} (1 to 500, default 50) once, and nothing else — a typo such as {@code lim=5} or a
     * second {@code limit} is refused, not ignored (as GET /api/nodes does).
     *
     * @throws InvalidInput naming the parameter
     */
    static int limit(UriInfo uri) {
        String given = StrictQuery.single(uri, "limit");
        return limit(given == null ? "50" : given);
    }

    /** A list's {@code limit}: 1 to 500. @throws InvalidInput naming it */
    static int limit(String limit) {
        long n = OperationsResource.pathNumber("limit", limit);
        if (n < 1 || n > 500) {
            throw new InvalidInput("limit must be between 1 and 500");
        }
        return (int) n;
    }
}
