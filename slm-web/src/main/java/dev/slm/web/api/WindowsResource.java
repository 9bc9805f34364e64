package dev.slm.web.api;

import dev.slm.rollout.boundary.MaintenanceWindows;
import dev.slm.rollout.entity.MaintenanceWindow;
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
import java.net.URI;
import java.util.List;

/**
 * Maintenance windows (docs/schedules.md): {@code GET|POST /api/updates/windows}, {@code GET|PUT|DELETE
 * /api/updates/windows/{id}}, {@code POST .../{id}/enable|disable}, {@code GET /api/updates/windows/changes}, and
 * {@code GET /api/nodes/{id}/window} lives on the node resource. Changes need the operator role (the EJB checks it).
 */
@ApplicationScoped
@Path("updates/windows")
@Produces(MediaType.APPLICATION_JSON)
public class WindowsResource {

    @Inject
    MaintenanceWindows windows;

    @GET
    public List<WindowView> all() {
        return windows.all().stream().map(this::view).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull(message = "is required") Requests.Window body, @Context SecurityContext security) {
        MaintenanceWindow w = windows.create(body.definition(), security.getUserPrincipal().getName());
        return Response.created(URI.create("updates/windows/" + w.id())).entity(view(w)).build(); // relative to /api/
    }

    @GET
    @Path("changes")
    public List<ScheduleView.ChangeView> changes(@Context jakarta.ws.rs.core.UriInfo uri) {
        return windows.changes(SchedulesResource.limit(uri)).stream().map(ScheduleView.ChangeView::of).toList();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        long windowId = OperationsResource.pathNumber("window id", id);
        return windows.find(windowId).map(w -> Response.ok(view(w)).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "no maintenance window " + windowId));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public WindowView replace(@PathParam("id") String id, @Valid @NotNull(message = "is required") Requests.Window body,
                              @Context SecurityContext security) {
        return view(windows.update(OperationsResource.pathNumber("window id", id), body.definition(),
                security.getUserPrincipal().getName()));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context SecurityContext security) {
        windows.delete(OperationsResource.pathNumber("window id", id), security.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/enable")
    public WindowView enable(@PathParam("id") String id, @Context SecurityContext security) {
        return view(windows.enable(OperationsResource.pathNumber("window id", id), true, security.getUserPrincipal().getName()));
    }

    @POST
    @Path("{id}/disable")
    public WindowView disable(@PathParam("id") String id, @Context SecurityContext security) {
        return view(windows.enable(OperationsResource.pathNumber("window id", id), false, security.getUserPrincipal().getName()));
    }

    private WindowView view(MaintenanceWindow w) {
        return WindowView.of(w, windows.now(w));
    }
}
