package dev.slm.web.api.security;

import dev.slm.fleet.boundary.AgentRefused;
import dev.slm.fleet.boundary.NodeRegistry;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/** Agent calls: the bearer token must be the one of the node in the path (see {@link AgentRefusedMapper}). */
@Provider
@AgentAuthenticated
@Priority(Priorities.AUTHENTICATION)
public class AgentTokenFilter implements ContainerRequestFilter {

    @Inject
    NodeRegistry registry;

    @Override
    public void filter(ContainerRequestContext request) {
        String nodeId = request.getUriInfo().getPathParameters().getFirst("node_id");
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        NodeRegistry.TokenCheck check = registry.check(nodeId, token);
        if (check != NodeRegistry.TokenCheck.VALID) {
            throw new AgentRefused(check, nodeId);
        }
    }

    public static String bearerToken(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }
}
