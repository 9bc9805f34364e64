package dev.slm.web.api;

import dev.slm.fleet.boundary.AgentRefused;
import dev.slm.platform.InvalidInput;
import dev.slm.web.api.problem.Problem;
import dev.slm.web.api.problem.ProblemMappers;
import dev.slm.web.api.security.AgentRefusedMapper;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The heartbeat's own path: {@code POST /api/nodes/{node_id}/heartbeat} is answered here, before JAX-RS, because
 * it is by far the most frequent call and JAX-RS's handling of a request body cost as much as the heartbeat's own
 * work (BENCHMARKS.md). Same validation, same answers and problem bodies as the rest of the API
 * ({@link HeartbeatAnswers} does the work, {@link JsonBody} reads the body; the JAX-RS mappers give the errors);
 * every other call passes through. The token is checked before the body is read (a cache in the receiver: no
 * database round trip for a node it knows), so a caller without it cannot make the server read 64 KB.
 */
@WebFilter(urlPatterns = "/api/nodes/*", asyncSupported = true)
public class HeartbeatFilter extends HttpFilter {

    private static final String PREFIX = "/api/nodes/";
    private static final String SUFFIX = "/heartbeat";

    @Inject
    HeartbeatAnswers heartbeats;

    private final Jsonb json = new JsonbConfigurator().getContext(Object.class);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> segment = heartbeatNode(request.getRequestURI().substring(request.getContextPath().length()));
        if (!"POST".equals(request.getMethod()) || segment.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        // an agent that went away before its answer was written ends quietly in ClientGoneFilter, around this one
        // (web.xml orders them)
        answer(request, response, segment.get());
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, String segment) throws IOException {
        try {
            String nodeId = PathEscapes.decode(segment);
            // the order matters: who the caller is, then the headers, and only then the body
            heartbeats.authenticate(nodeId, request.getHeader(HttpHeaders.AUTHORIZATION));
            JsonBody.requireJson(request.getContentType());
            JsonValue body = JsonBody.parse(JsonBody.read(request.getInputStream(), request.getContentLengthLong(),
                    JsonBody.AGENT_LIMIT));
            HeartbeatAnswers.Answer answer = heartbeats.answer(nodeId, request.getHeader(HttpHeaders.AUTHORIZATION), body);
            byte[] bytes = json.toJson(answer).getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(bytes.length);
            try (OutputStream out = response.getOutputStream()) {
                out.write(bytes);
            }
        } catch (InvalidInput e) {
            write(response, new ProblemMappers.InvalidInputMapper().toResponse(e));
        } catch (AgentRefused e) {
            write(response, new AgentRefusedMapper().toResponse(e));
        } catch (JsonBody.TooLarge e) {
            write(response, new ProblemMappers.TooLargeMapper().toResponse(e));
        } catch (JsonBody.WrongMediaType e) {
            write(response, new ProblemMappers.WrongMediaTypeMapper().toResponse(e));
        } catch (JsonBody.ClientGone e) {
            // the body broke off: the agent has gone, nobody reads an answer
        } catch (RuntimeException e) {
            // the container's own answer would be an HTML page: the same problem body as the JAX-RS catch-all
            write(response, new ProblemMappers.UnexpectedMapper().toResponse(e));
        }
    }

    /** The node id of a heartbeat's path, {@code /api/nodes/{node_id}/heartbeat}, still escaped; empty for any other. */
    static Optional<String> heartbeatNode(String path) {
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()
                || path.indexOf('/', PREFIX.length()) != path.length() - SUFFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
    }

    private void write(HttpServletResponse response, Response problem) throws IOException {
        response.setStatus(problem.getStatus());
        problem.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                for (Object v : (List<?>) values) {
                    response.addHeader(name, String.valueOf(v));
                }
            }
        });
        response.setContentType(Problem.MEDIA_TYPE);
        byte[] bytes = json.toJson(problem.getEntity()).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }
}
