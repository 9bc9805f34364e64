package dev.slm.web.api.problem;

import java.util.Locale;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * The last word on every JAX-RS answer: the API never answers HTML. Jersey's own answers that are not ours — the
 * automatic OPTIONS answer is {@code text/html} with an empty body, an error it builds without an entity — become
 * what the rest of the API sends: no body (the {@code Allow} header says it all) or a problem body.
 */
@Provider
public class ApiResponseGuard implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MediaType type = response.getMediaType();
        boolean html = type != null && type.getSubtype().toLowerCase(Locale.ROOT).contains("html");
        if (response.getStatus() >= 400) {
            if (html || !response.hasEntity()) {
                Response.StatusType status = response.getStatusInfo();
                Response problem = Problem.response(status.getStatusCode(), status.getReasonPhrase(),
                        "the request cannot be answered: " + status.getReasonPhrase());
                response.setEntity(problem.getEntity(), null, MediaType.valueOf(Problem.MEDIA_TYPE));
            }
        } else if (html) {
            response.setEntity(null);
            response.getHeaders().remove("Content-Type");
            if (response.getStatus() == 200) {
                response.setStatus(204);
            }
        }
    }
}
