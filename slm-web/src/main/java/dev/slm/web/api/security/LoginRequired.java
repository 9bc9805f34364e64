package dev.slm.web.api.security;

import dev.slm.web.api.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Every API call needs a logged-in operator (401 with {@code WWW-Authenticate} before a byte of its body is read),
 * except the agents' calls ({@link AgentAuthenticated}: their node's token instead) and what is marked
 * {@link PermitAll} (health, the signing key). Only the login: which role an action needs is checked by the boundary
 * EJB it calls ({@code @RolesAllowed}), whoever the caller is; a refusal there is a 403 ({@code ProblemMappers}).
 * A resource that forgets nothing here is closed by default.
 */
@Provider
public class LoginRequired implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        if (!open(resource)) {
            context.register(new Filter());
        }
    }

    private static boolean open(ResourceInfo r) {
        return r.getResourceMethod().isAnnotationPresent(AgentAuthenticated.class)
                || r.getResourceClass().isAnnotationPresent(AgentAuthenticated.class)
                || r.getResourceMethod().isAnnotationPresent(PermitAll.class)
                || r.getResourceClass().isAnnotationPresent(PermitAll.class);
    }

    /** The answer to a call that needs a login and has none (also for a refusal by an EJB without a caller). */
    public static Response unauthorized() {
        return Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                        "log in: HTTP Basic with an operator account"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"SLM\"")
                .build();
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class Filter implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getSecurityContext().getUserPrincipal() == null) {
                request.abortWith(unauthorized());
            }
        }
    }
}
