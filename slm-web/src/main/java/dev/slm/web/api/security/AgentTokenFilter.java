package dev.slm.web.api.security;

import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.web.api.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** 401 for a missing or unknown token, 404 for an unknown node, 403 for another node's token. */
@Provider
@AgentAuthenticated
@Priority(Priorities.AUTHENTICATION)
public class AgentTokenFilter implements ContainerRequestFilter {

    @Inject
    NodeRegistry registry;

    @Override
    public void filter(ContainerRequestContext request) {
        String nodeId = request.getUriInfo().getPathParameters().getFirst("node_id");
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : null;
        switch (registry.check(nodeId, token)) {
            case VALID -> { }
            case UNKNOWN_TOKEN -> request.abortWith(Response.fromResponse(Problem.response(
                            Response.Status.UNAUTHORIZED, token == null
                                    ? "an agent call needs the node's token: Authorization: Bearer <token>"
                                    : "the token is not valid"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"SLM\"").build());
            case UNKNOWN_NODE -> request.abortWith(Problem.response(Response.Status.NOT_FOUND,
                    "no node '" + nodeId + "' is registered"));
            case OTHER_NODES_TOKEN -> request.abortWith(Problem.response(Response.Status.FORBIDDEN,
                    "this token belongs to another node"));
        }
    }
}
