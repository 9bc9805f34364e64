package dev.slm.web.api.problem;

import jakarta.json.Json;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's error page (WEB-INF/web.xml): whatever the container answers itself — an exception that left a
 * filter, a {@code sendError} — gets a problem body like the rest of the API, never the server's HTML page. The JAX-RS
 * mappers ({@link ProblemMappers}) answer everything that reaches a resource; this is what is left.
 */
@WebServlet(urlPatterns = ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {

    public static final String PATH = "/error-page";
    private static final Logger LOG = Logger.getLogger(ErrorPageServlet.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        int status = code instanceof Integer i ? i : 404;
        if (ClientGoneLog.isClientGone(error)) {
            return; // nobody to answer, and no fault of ours to log
        }
        String detail;
        if (status >= 500) {
            if (error != null) {
                LOG.log(Level.SEVERE, "unexpected error for " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), error);
            }
            detail = "unexpected server error; see the server log";
        } else {
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            detail = message == null || message.toString().isBlank() ? "the request cannot be answered (" + status + ")"
                    : message.toString();
        }
        String title = reason(status);
        byte[] body = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        } catch (IOException e) {
            if (ClientGoneLog.isClientGone(e)) {
                return; // a 500 without an exception whose answer finds nobody: Jersey's, after its client left
            }
            throw e;
        }
        if (status >= 500 && error == null) {
            LOG.severe("unexpected error for " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        }
    }

    private static String reason(int status) {
        jakarta.ws.rs.core.Response.Status s = jakarta.ws.rs.core.Response.Status.fromStatusCode(status);
        return s == null ? "Error " + status : s.getReasonPhrase();
    }
}
