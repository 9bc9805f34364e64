package dev.slm.web.api;

import dev.slm.platform.InvalidInput;
import dev.slm.web.api.security.AgentAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/nodes/{node_id}/commands?wait=30}: the long-poll an idle agent holds open, so "Sync now" reaches
 * it within moments without any inbound connection to the node. 200 with the command, or 204 when none came.
 */
@ApplicationScoped
@Path("nodes/{node_id}/commands")
public class CommandsResource {

    static final int MAX_WAIT_S = 120;

    @Inject
    CommandWaiters waiters;

    @GET
    @AgentAuthenticated
    @Produces(MediaType.APPLICATION_JSON)
    public void poll(@PathParam("node_id") String nodeId, @QueryParam("wait") @DefaultValue("30") int wait,
                     @Suspended AsyncResponse response) {
        if (wait < 0 || wait > MAX_WAIT_S) {
            throw new InvalidInput("wait must be between 0 and " + MAX_WAIT_S + " seconds");
        }
        waiters.await(nodeId, wait, response);
    }
}
