package dev.slm.web.api;

import dev.slm.fleet.boundary.AgentRefused;
import dev.slm.platform.InvalidInput;
import dev.slm.web.api.problem.Problem;
import dev.slm.web.api.problem.ProblemMappers;
import dev.slm.web.api.security.AgentRefusedMapper;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The heartbeat's own path: {@code POST /api/nodes/{node_id}/heartbeat} is answered here, before JAX-RS, because
 * it is by far the most frequent call and JAX-RS's handling of a request body cost as much as the heartbeat's own
 * work (BENCHMARKS.md). Same validation, same answers and problem bodies as the rest of the API
 * ({@link HeartbeatResource} does the work; the JAX-RS mappers give the errors); every other call passes through.
 */
@WebFilter(urlPatterns = "/api/nodes/*", asyncSupported = true)
public class HeartbeatFilter extends HttpFilter {

    private static final String PREFIX = "/api/nodes/";
    private static final String SUFFIX = "/heartbeat";
    private static final int MAX_BODY = 64 * 1024;

    @Inject
    HeartbeatResource heartbeats;

    private final Jsonb json = new JsonbConfigurator().getContext(Object.class);
    /** Json.createReader looks the provider up on every call (a service-loader search): once is enough. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!"POST".equals(request.getMethod()) || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)
                || path.length() <= PREFIX.length() + SUFFIX.length()
                || path.indexOf('/', PREFIX.length()) != path.length() - SUFFIX.length()) {
            chain.doFilter(request, response);
            return;
        }
        String nodeId = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        if (nodeId.indexOf('%') >= 0 || nodeId.indexOf('+') >= 0) {
            nodeId = URLDecoder.decode(nodeId, StandardCharsets.UTF_8);
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            write(response, Problem.response(415, "Unsupported Media Type", "send the heartbeat as application/json"));
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            write(response, Problem.response(413, "Content Too Large", "a heartbeat is at most " + MAX_BODY + " bytes"));
            return;
        }
        try {
            JsonValue body;
            try (JsonReader reader = READERS.createReader(request.getInputStream(), StandardCharsets.UTF_8)) {
                body = reader.readValue();
            }
            HeartbeatResource.Answer answer = heartbeats.heartbeat(nodeId, request.getHeader(HttpHeaders.AUTHORIZATION), body);
            byte[] bytes = json.toJson(answer).getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(bytes.length);
            try (OutputStream out = response.getOutputStream()) {
                out.write(bytes);
            }
        } catch (JsonException e) {
            write(response, new ProblemMappers.JsonMapper().toResponse(e));
        } catch (InvalidInput e) {
            write(response, new ProblemMappers.InvalidInputMapper().toResponse(e));
        } catch (AgentRefused e) {
            write(response, new AgentRefusedMapper().toResponse(e));
        }
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
