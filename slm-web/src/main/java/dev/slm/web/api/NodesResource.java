package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.boundary.Pins;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.SlmConfig;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.TrackedSource;
import dev.slm.web.api.problem.Problem;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.GenericEntity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Registering, listing and removing nodes. Registration answers the node's token, once. */
@ApplicationScoped
@Path("nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    @Inject
    NodeRegistry registry;

    @Inject
    NodeQueries nodes;

    @Inject
    SlmConfig config;

    @Inject
    FleetStatus fleet;

    @Inject
    SourceStore source;

    @Inject
    Mirror mirror;

    @Inject
    Pins pins;

    @Inject
    dev.slm.fleet.boundary.EnrollmentKeys enrollment;

    @Inject
    dev.slm.web.api.security.ClientAddress clientAddress;

    @Inject
    dev.slm.rollout.boundary.MaintenanceWindows maintenance;

    public record Registered(String nodeId, String token, Instant registeredAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@Valid @NotNull(message = "is required") Requests.NewNode body,
                             @Context SecurityContext security) {
        String nodeId = body.nodeId();
        NodeRegistry.Registration r = registry.register(nodeId, security.getUserPrincipal().getName());
        return Response.created(URI.create("nodes/" + nodeId))
                .entity(new Registered(r.node().id(), r.token(), r.node().registeredAt()))
                .build();
    }

    /**
     * {@code POST /api/nodes/enroll} {@code {"enrollment_key": "…", "node_id": "…", "roles": [...]}}: registers a node
     * with an enrollment key instead of an admin's login (201 with the node's token, once). 401 for a key that cannot
     * be used, 403 for a role the key does not allow, 409 for a node enrolled already (unless the key allows it).
     */
    @POST
    @Path("enroll")
    @Consumes(MediaType.APPLICATION_JSON)
    @jakarta.annotation.security.PermitAll
    public Response enroll(@Valid @NotNull(message = "is required") Requests.Enroll body,
                           @Context jakarta.servlet.http.HttpServletRequest request) {
        dev.slm.fleet.boundary.EnrollmentKeys.Enrolled e = enrollment.enroll(body.enrollmentKey(), body.nodeId(),
                body.roles(), clientAddress.of(request));
        return Response.created(URI.create("nodes/" + e.node().id()))
                .entity(new Registered(e.node().id(), e.token(), e.node().registeredAt())).build();
    }

    /** A node may be called "enroll": its own GET and DELETE, which the literal path above would otherwise take. */
    @GET
    @Path("enroll")
    public Response enrollNode() {
        return one("enroll");
    }

    @DELETE
    @Path("enroll")
    public Response removeEnrollNode() {
        return remove("enroll");
    }

    /**
     * {@code GET /api/nodes?status=&role=&online=&text=&behind_gt=&sort=&page=&size=}: the Nodes page's list, filtered,
     * sorted and paged by the page's own queries ({@link NodeQueries#page}, {@link NodeQueries#count}). A JSON array
     * of at most {@code size} (default and most: 1,000) nodes; {@code X-Total-Count} says how many match, {@code Link}
     * gives the next and previous pages. A parameter it does not take or a value it cannot use: 400 naming it.
     */
    @GET
    public Response list(@Context UriInfo uri) {
        // a malformed escape never gets here: QueryEscapes refused it, naming the parameter
        NodeListQuery q = NodeListQuery.parse(uri.getQueryParameters());
        // in_window: the windows as they are now, asked once for the page and its count
        NodeQueries.Filter filter = q.filter().window() == null ? q.filter()
                : q.filter().within(maintenance.inWindowNow(q.filter().window().inside()));
        Instant onlineSince = fleet.onlineSince();
        DesiredCommits desired = pins.current();
        List<NodeView> items = nodes.page(filter, q.sorts(), q.offset(), q.size()).stream()
                .map(n -> view(n, onlineSince, false, desired)).toList();
        // a page that is not full and not past the end is the end: its offset and length are the total
        long total = items.size() < q.size() && (!items.isEmpty() || q.offset() == 0)
                ? (long) q.offset() + items.size() : nodes.count(filter);
        Response.ResponseBuilder r = Response.ok(new GenericEntity<List<NodeView>>(items) {
        }).header("X-Total-Count", total);
        List<String> links = new ArrayList<>();
        String url = listUrl(config.publicUrl(), uri.getAbsolutePath());
        if ((q.page() + 1L) * q.size() < total) {
            links.add("<" + url + "?" + q.queryString(q.page() + 1) + ">; rel=\"next\"");
        }
        if (q.page() > 0) {
            links.add("<" + url + "?" + q.queryString(q.page() - 1) + ">; rel=\"prev\"");
        }
        if (!links.isEmpty()) {
            r.header("Link", String.join(", ", links));
        }
        return r.build();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        return registry.find(id)
                .map(n -> Response.ok(view(n, fleet.onlineSince(), true, pins.current())).build())
                .orElseGet(() -> notFound(id));
    }

    @DELETE
    @Path("{id}")
    public Response remove(@PathParam("id") String id) {
        return registry.remove(id) ? Response.noContent().build() : notFound(id);
    }

    /** Whether the node may be synced now as its maintenance windows say, and if not why and from when. */
    @GET
    @Path("{id}/window")
    public dev.slm.rollout.boundary.MaintenanceWindows.ForNode window(@PathParam("id") String id) {
        return maintenance.forNode(id);
    }

    /** A new token for the node; the old one stops working at once (a lost or leaked token). */
    @POST
    @Path("{id}/token")
    public Response rotateToken(@PathParam("id") String id) {
        return registry.rotateToken(id)
                .map(r -> Response.ok(new Registered(r.node().id(), r.token(), r.node().registeredAt())).build())
                .orElseGet(() -> notFound(id));
    }

    private NodeView view(Node n, Instant onlineSince, boolean withBehindCommits, DesiredCommits desired) {
        boolean online = n.isOnline(onlineSince);
        if (!withBehindCommits || n.commitsBehind() == null || n.commitsBehind() == 0) {
            return NodeView.of(n, online, List.of(), desired);
        }
        // the commits it lacks to reach its desired commit (a pin's, or the tip), as commits_behind counts them
        return NodeView.of(n, online, mirror.classify(n.codeVersion(), desired.forNode(n.id(), n.roles())).behind(),
                desired);
    }

    /**
     * {@code PUT /api/nodes/{id}/pin} {@code {"commit": "…", "reason": "…"}} (operator): the node is measured against
     * that commit of the branch, and a sync sends it by default, over its roles' and the fleet's pins, until
     * {@code DELETE /api/nodes/{id}/pin}. Answers the node.
     */
    @jakarta.ws.rs.PUT
    @Path("{id}/pin")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public Response pin(@PathParam("id") String id, @Valid @NotNull(message = "is required") Requests.Pin body,
                        @Context jakarta.ws.rs.core.SecurityContext security) {
        pins.pinNode(id, body.commit(), security.getUserPrincipal().getName(), body.reason());
        return one(id);
    }

    @DELETE
    @Path("{id}/pin")
    public Response unpin(@PathParam("id") String id, @Context jakarta.ws.rs.core.SecurityContext security) {
        pins.unpinNode(id, security.getUserPrincipal().getName());
        return one(id);
    }

    /**
     * The list's absolute URL for its Link header: under {@code SLM_PUBLIC_URL} when that is set — behind a proxy that
     * ends TLS the request's own URL is the backend's ({@code http://backend:8080/...}), and its Host header is the
     * client's to choose —, otherwise the request's.
     */
    static String listUrl(Optional<String> publicUrl, URI requested) {
        return publicUrl.map(u -> u.replaceAll("/+$", "") + requested.getRawPath()).orElse(requested.toString());
    }

    static Response notFound(String id) {
        return Problem.response(Response.Status.NOT_FOUND, "no node '" + id + "' is registered");
    }
}
