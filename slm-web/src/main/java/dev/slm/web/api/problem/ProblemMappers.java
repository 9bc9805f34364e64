package dev.slm.web.api.problem;

import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.web.api.security.LoginRequired;
import jakarta.ejb.EJBAccessException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception that leaves a resource into a problem body with the right status. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    @Provider
    public static class InvalidInputMapper implements ExceptionMapper<InvalidInput> {
        @Override
        public Response toResponse(InvalidInput e) {
            return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    @Provider
    public static class ConflictMapper implements ExceptionMapper<Conflict> {
        @Override
        public Response toResponse(Conflict e) {
            return Problem.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @Provider
    public static class EnrollmentRefusedMapper implements ExceptionMapper<dev.slm.fleet.boundary.EnrollmentRefused> {
        @Override
        public Response toResponse(dev.slm.fleet.boundary.EnrollmentRefused e) {
            return Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, e.getMessage()))
                    .header(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, "SLM-Enrollment realm=\"SLM\"").build();
        }
    }

    @Provider
    public static class RoleNotAllowedMapper implements ExceptionMapper<dev.slm.fleet.boundary.EnrollmentRefused.RoleNotAllowed> {
        @Override
        public Response toResponse(dev.slm.fleet.boundary.EnrollmentRefused.RoleNotAllowed e) {
            return Problem.response(Response.Status.FORBIDDEN, e.getMessage());
        }
    }

    @Provider
    public static class NotFoundMapper implements ExceptionMapper<dev.slm.platform.NotFound> {
        @Override
        public Response toResponse(dev.slm.platform.NotFound e) {
            return Problem.response(Response.Status.NOT_FOUND, e.getMessage());
        }
    }

    /**
     * A boundary EJB refused the caller ({@code @RolesAllowed}): 403 for a caller without the role, 401 (with
     * {@code WWW-Authenticate}) when there is no caller at all.
     */
    @Provider
    public static class NotAllowedMapper implements ExceptionMapper<EJBAccessException> {
        @Context
        SecurityContext security;

        @Override
        public Response toResponse(EJBAccessException e) {
            return refused(security);
        }

        static Response refused(SecurityContext security) {
            if (security == null || security.getUserPrincipal() == null) {
                return LoginRequired.unauthorized();
            }
            Role role = Role.of(Arrays.stream(Role.values()).map(Role::roleName).filter(security::isUserInRole).toList());
            return Problem.response(Response.Status.FORBIDDEN, "refused: this needs a role above "
                    + security.getUserPrincipal().getName() + "'s (" + role.roleName() + ")");
        }
    }

    /** 409 with the id of the operation in flight, so a script can follow it. */
    @Provider
    public static class NodeBusyMapper implements ExceptionMapper<dev.slm.rollout.boundary.NodeBusy> {
        @Override
        public Response toResponse(dev.slm.rollout.boundary.NodeBusy e) {
            return Response.status(409).type(Problem.MEDIA_TYPE)
                    .entity(jakarta.json.Json.createObjectBuilder()
                            .add("type", "about:blank").add("title", "Conflict").add("status", 409)
                            .add("detail", e.getMessage()).add("operation_id", e.operationId()).build())
                    .build();
        }
    }

    /** 413; the connection is closed rather than drained of a body nobody will read. */
    @Provider
    public static class TooLargeMapper implements ExceptionMapper<dev.slm.web.api.JsonBody.TooLarge> {
        @Override
        public Response toResponse(dev.slm.web.api.JsonBody.TooLarge e) {
            return Response.fromResponse(Problem.response(413, "Content Too Large", e.getMessage()))
                    .header("Connection", "close").build();
        }
    }

    @Provider
    public static class WrongMediaTypeMapper implements ExceptionMapper<dev.slm.web.api.JsonBody.WrongMediaType> {
        @Override
        public Response toResponse(dev.slm.web.api.JsonBody.WrongMediaType e) {
            return Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
        }
    }

    /** A body that is not JSON, or not the JSON expected. */
    /** A request body that breaks a constraint of its record (web.api.Requests): 400 naming each field. */
    @Provider
    public static class ConstraintViolationMapper implements ExceptionMapper<jakarta.validation.ConstraintViolationException> {
        @Override
        public Response toResponse(jakarta.validation.ConstraintViolationException e) {
            String detail = e.getConstraintViolations().stream()
                    .map(v -> field(v.getPropertyPath()) + " " + v.getMessage())
                    .sorted()
                    .collect(java.util.stream.Collectors.joining("; "));
            return Problem.response(Response.Status.BAD_REQUEST, detail.isEmpty() ? "the request body is invalid" : detail);
        }

        /** {@code create.arg0.nodeIds[2].<list element>} → {@code node_ids}: the body's own name of the field. */
        static String field(jakarta.validation.Path path) {
            String name = null;
            for (jakarta.validation.Path.Node n : path) {
                if (n.getKind() == jakarta.validation.ElementKind.PROPERTY) {
                    name = n.getName();
                }
            }
            return name == null ? "the body" : dev.slm.web.api.Requests.wireName(name);
        }
    }

    @Provider
    public static class JsonMapper implements ExceptionMapper<JsonException> {
        @Override
        public Response toResponse(JsonException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "malformed JSON: " + e.getMessage());
        }
    }

    @Provider
    public static class JsonbMapper implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "malformed JSON: " + e.getMessage());
        }
    }

    /** Jersey wraps a body it cannot read in a ProcessingException. */
    @Provider
    public static class ProcessingMapper implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "unreadable request body: " + e.getMessage());
        }
    }

    @Provider
    public static class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response r = e.getResponse();
            if (r.hasEntity() && r.getMediaType() != null
                    && Problem.MEDIA_TYPE.equals(r.getMediaType().toString())) {
                return r;
            }
            Throwable cause = e.getCause();
            if (cause instanceof JsonException || cause instanceof JsonbException) {
                return Problem.response(Response.Status.BAD_REQUEST, "malformed JSON: " + cause.getMessage());
            }
            Response.StatusType status = r.getStatusInfo();
            return Problem.response(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
        }
    }

    /**
     * A body that broke off: 400, and nothing logged (JsonBody.ClientGone says why). The request is marked for
     * {@link ClientGoneFilter}: the answer will find the connection closed, and what the container does then is not
     * an error of ours either.
     */
    @Provider
    public static class ClientGoneMapper implements ExceptionMapper<dev.slm.web.api.JsonBody.ClientGone> {
        @Context
        jakarta.servlet.http.HttpServletRequest request;

        @Override
        public Response toResponse(dev.slm.web.api.JsonBody.ClientGone e) {
            return answer(request);
        }

        static Response answer(jakarta.servlet.http.HttpServletRequest request) {
            if (request != null) {
                ClientGoneFilter.mark(request);
            }
            return Problem.response(Response.Status.BAD_REQUEST, "the request body ended before its declared length");
        }
    }

    /** Anything else is our fault: log it in full, tell the caller no internals. */
    @Provider
    public static class UnexpectedMapper implements ExceptionMapper<Throwable> {
        @Context
        SecurityContext security;

        @Context
        jakarta.servlet.http.HttpServletRequest request;

        @Override
        public Response toResponse(Throwable e) {
            // Jersey and the EJB container wrap what a reader or a bean threw: answer for the cause
            for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                if (cause instanceof InvalidInput i) {
                    return Problem.response(Response.Status.BAD_REQUEST, i.getMessage());
                }
                if (cause instanceof dev.slm.web.api.JsonBody.TooLarge t) {
                    return new TooLargeMapper().toResponse(t);
                }
                if (cause instanceof dev.slm.web.api.JsonBody.ClientGone g) {
                    return ClientGoneMapper.answer(request);
                }
                if (cause instanceof dev.slm.web.api.JsonBody.WrongMediaType w) {
                    return new WrongMediaTypeMapper().toResponse(w);
                }
                if (cause instanceof EJBAccessException) {
                    return NotAllowedMapper.refused(security);
                }
                if (cause instanceof WebApplicationException w) {
                    return new WebApplicationMapper().toResponse(w);
                }
            }
            LOG.log(Level.SEVERE, "unexpected error", e);
            return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "unexpected server error; see the server log");
        }
    }
}
