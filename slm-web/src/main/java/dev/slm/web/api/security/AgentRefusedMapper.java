package dev.slm.web.api.security;

import dev.slm.fleet.boundary.AgentRefused;
import dev.slm.web.api.problem.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 404 for an unknown node, 401 for a missing or unknown token, 403 for another node's token. */
@Provider
public class AgentRefusedMapper implements ExceptionMapper<AgentRefused> {

    @Override
    public Response toResponse(AgentRefused e) {
        return switch (e.reason()) {
            case UNKNOWN_NODE -> Problem.response(Response.Status.NOT_FOUND, "no node '" + e.nodeId() + "' is registered");
            case OTHER_NODES_TOKEN -> Problem.response(Response.Status.FORBIDDEN, "this token belongs to another node");
            case UNKNOWN_TOKEN, VALID -> Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                            "an agent call needs its node's token: Authorization: Bearer <token>"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"SLM\"").build();
        };
    }
}
