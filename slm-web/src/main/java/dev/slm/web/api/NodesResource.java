package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.entity.Node;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Registering, listing and removing nodes. Registration answers the node's token, once. */
@ApplicationScoped
@Path("nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    @Inject
    NodeRegistry registry;

    @Inject
    FleetStatus fleet;

    @Inject
    SourceStore source;

    @Inject
    Mirror mirror;

    public record Registered(String nodeId, String token, Instant registeredAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@Valid @NotNull(message = "is required") Requests.NewNode body,
                             @Context SecurityContext security) {
        String nodeId = body.nodeId();
        NodeRegistry.Registration r = registry.register(nodeId, security.getUserPrincipal().getName());
        return Response.created(URI.create("api/nodes/" + nodeId))
                .entity(new Registered(r.node().id(), r.token(), r.node().registeredAt()))
                .build();
    }

    @GET
    public List<NodeView> all() {
        Instant onlineSince = fleet.onlineSince();
        return registry.all().stream().map(n -> view(n, onlineSince, false)).toList();
    }

    @GET
    @Path("{id}")
    public Response one(@PathParam("id") String id) {
        return registry.find(id)
                .map(n -> Response.ok(view(n, fleet.onlineSince(), true)).build())
                .orElseGet(() -> notFound(id));
    }

    @DELETE
    @Path("{id}")
    public Response remove(@PathParam("id") String id) {
        return registry.remove(id) ? Response.noContent().build() : notFound(id);
    }

    /** A new token for the node; the old one stops working at once (a lost or leaked token). */
    @POST
    @Path("{id}/token")
    public Response rotateToken(@PathParam("id") String id) {
        return registry.rotateToken(id)
                .map(r -> Response.ok(new Registered(r.node().id(), r.token(), r.node().registeredAt())).build())
                .orElseGet(() -> notFound(id));
    }

    private NodeView view(Node n, Instant onlineSince, boolean withBehindCommits) {
        boolean online = n.isOnline(onlineSince);
        if (!withBehindCommits || n.commitsBehind() == null || n.commitsBehind() == 0) {
            return NodeView.of(n, online, List.of());
        }
        String latest = source.current().map(TrackedSource::latestCommit).orElse(null);
        return NodeView.of(n, online, mirror.classify(n.codeVersion(), latest).behind());
    }

    static Response notFound(String id) {
        return Problem.response(Response.Status.NOT_FOUND, "no node '" + id + "' is registered");
    }
}
