package dev.slm.web.api;

import dev.slm.packages.boundary.NotDeployable;
import dev.slm.web.api.problem.Problem;
import jakarta.json.Json;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * 409 for a sync to (or the package of) a commit no agent could install, with the commit and the reason as fields
 * of their own, so that a script can show them; nothing was created.
 */
@Provider
public class NotDeployableMapper implements ExceptionMapper<NotDeployable> {

    @Override
    public Response toResponse(NotDeployable e) {
        return Response.status(Response.Status.CONFLICT).type(Problem.MEDIA_TYPE)
                .entity(Json.createObjectBuilder()
                        .add("type", "about:blank").add("title", "Conflict").add("status", 409)
                        .add("detail", e.getMessage())
                        .add("commit", e.commit())
                        .add("not_deployable_reason", e.reason())
                        .build())
                .build();
    }
}
