package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.source.entity.CodeStatus;
import dev.slm.packages.boundary.Deployability;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.SourceTracker;
import dev.slm.platform.RedactedUrl;
import dev.slm.source.entity.TrackedSource;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the tracked repository says and which nodes are behind it. */
@ApplicationScoped
@Path("updates")
@Produces(MediaType.APPLICATION_JSON)
public class UpdatesResource {

    @Inject
    SourceStore source;

    @Inject
    NodeQueries nodes;

    @Inject
    SourceTracker tracker;

    @Inject
    FleetStatus fleet;

    @Inject
    Deployability deployability;

    @Inject
    dev.slm.fleet.boundary.Pins pins;

    public record Status(String gitUrl, String branch, String path, String latestVersion, String latestSubject,
                         String latestAuthor, Instant latestCommittedAt, Instant fetchedAt, Instant lastAttemptAt,
                         String lastFetchError, Boolean deployable, String notDeployableReason,
                         Map<String, Long> counts, long nodes, long online, String desiredCommit,
                         String pinnedCommit, String pinnedBy, Instant pinnedAt, String pinReason,
                         Instant lastWebhookAt, String lastWebhookResult) {
    }

    /**
     * {@code PUT /api/updates/pin} {@code {"commit": "…", "reason": "…"}}: nodes are measured against that commit of
     * the branch, and a sync sends it by default, until {@code DELETE /api/updates/pin} (the operator role: the EJB).
     * Answers the status with {@code desired_commit} and the pin.
     */
    @jakarta.ws.rs.PUT
    @Path("pin")
    @jakarta.ws.rs.Consumes(jakarta.ws.rs.core.MediaType.APPLICATION_JSON)
    public Status pin(@jakarta.validation.Valid @jakarta.validation.constraints.NotNull(message = "is required") Requests.Pin body,
                      @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        return status(tracker.pin(body.commit(), security.getUserPrincipal().getName(), body.reason()));
    }

    @jakarta.ws.rs.DELETE
    @Path("pin")
    public Status unpin(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        return status(tracker.unpin(security.getUserPrincipal().getName()));
    }

    /** Every pin: the fleet's (null when it follows the tip), the roles' and the nodes', newest first. */
    public record PinsView(String desiredCommit, String tip, Status fleetPin, List<NodeView.PinView> roles,
                           List<NodeView.PinView> nodes) {
    }

    /** {@code GET /api/updates/pins}: what holds which nodes where (the fleet's pin is also in the status). */
    @GET
    @Path("pins")
    public PinsView pins() {
        dev.slm.fleet.entity.DesiredCommits d = pins.current();
        TrackedSource s = source.current().orElseThrow();
        java.util.Comparator<NodeView.PinView> newest = java.util.Comparator.comparing(NodeView.PinView::pinnedAt).reversed();
        return new PinsView(d.fleet(), s.latestCommit(), s.pinnedCommit() == null ? null : status(s),
                d.rolePins().stream().map(NodeView.PinView::of).sorted(newest).toList(),
                d.nodePins().values().stream().map(NodeView.PinView::of).sorted(newest).toList());
    }

    /**
     * {@code PUT /api/updates/pins/roles} {@code {"role": "web", "commit": "…", "reason": "…"}} (operator): every node
     * reporting the role is measured against that commit, and a sync sends it by default, until
     * {@code DELETE /api/updates/pins/roles?role=web}; a node's own pin goes before it. Answers the pins.
     */
    @jakarta.ws.rs.PUT
    @Path("pins/roles")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public PinsView pinRole(@jakarta.validation.Valid @jakarta.validation.constraints.NotNull(message = "is required") Requests.RolePin body,
                            @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        pins.pinRole(body.role(), body.commit(), security.getUserPrincipal().getName(), body.reason());
        return pins();
    }

    @jakarta.ws.rs.DELETE
    @Path("pins/roles")
    public PinsView unpinRole(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri,
                              @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        pins.unpinRole(StrictQuery.single(uri, "role"), security.getUserPrincipal().getName());
        return pins();
    }

    @GET
    @Path("status")
    public Status status() {
        return status(source.current().orElseThrow());
    }

    @POST
    @Path("refresh")
    public Response refresh() {
        return Response.ok(status(tracker.refresh())).build(); // another instance fetching for too long: Conflict, 409
    }

    @GET
    @Path("pending")
    public List<NodeView> pending() {
        Instant onlineSince = fleet.onlineSince();
        dev.slm.fleet.entity.DesiredCommits desired = pins.current();
        return nodes.needingUpdate(NodeQueries.MAX_PAGE).stream()
                .map(n -> NodeView.of(n, n.isOnline(onlineSince), List.of(), desired))
                .toList();
    }

    @Inject
    OperationsResource operations;

    @GET
    @Path("history")
    public List<OperationView> history(@QueryParam("node") String node, @QueryParam("status") String status,
                                       @QueryParam("from") String from, @QueryParam("to") String to,
                                       @QueryParam("trigger") String trigger, @QueryParam("schedule") String schedule,
                                       @QueryParam("page") @DefaultValue("0") int page,
                                       @QueryParam("size") @DefaultValue("50") int size) {
        return operations.history(node, status, from, to, trigger, schedule, page, size);
    }

    private Status status(TrackedSource s) {
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<CodeStatus, Long> e : fleet.countsByStatus().entrySet()) {
            counts.put(e.getKey().name(), e.getValue());
            total += e.getValue();
        }
        Optional<Deployability.Verdict> verdict = deployability.ofLatest(s);
        return new Status(RedactedUrl.of(s.gitUrl()), s.branch(), s.path(), s.latestCommit(), s.latestSubject(),
                s.latestAuthor(), s.latestCommittedAt(), s.fetchedAt(), s.lastAttemptAt(), s.lastError(),
                verdict.map(Deployability.Verdict::deployable).orElse(null),
                verdict.map(Deployability.Verdict::reason).orElse(null), counts, total, fleet.onlineCount(),
                s.desiredCommit(), s.pinnedCommit(), s.pinnedBy(), s.pinnedAt(), s.pinReason(), s.lastHookAt(),
                s.lastHookResult());
    }
}
