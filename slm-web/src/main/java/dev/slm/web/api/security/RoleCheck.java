package dev.slm.web.api.security;

import dev.slm.web.api.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** Checks {@link Requires} on every operator endpoint: 401 without a login, 403 without the role. */
@Provider
public class RoleCheck implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Requires requires = resource.getResourceMethod().getAnnotation(Requires.class);
        if (requires == null) {
            requires = resource.getResourceClass().getAnnotation(Requires.class);
        }
        if (requires != null) {
            context.register(new Filter(requires));
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    static final class Filter implements ContainerRequestFilter {
        private final Requires requires;

        Filter(Requires requires) {
            this.requires = requires;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            var security = request.getSecurityContext();
            if (security.getUserPrincipal() == null) {
                Response unauthorized = Response.fromResponse(
                                Problem.response(Response.Status.UNAUTHORIZED, "log in: HTTP Basic with an operator account"))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"SLM\"")
                        .build();
                request.abortWith(unauthorized);
            } else if (!security.isUserInRole(requires.value().roleName())) {
                request.abortWith(Problem.response(Response.Status.FORBIDDEN,
                        "this needs the " + requires.value().roleName() + " role"));
            }
        }
    }
}
