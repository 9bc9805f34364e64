package dev.slm.web.ui;

import com.vaadin.cdi.CdiVaadinServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The web app's servlet, declared so that it is Vaadin CDI's (views get their services injected) rather than the
 * plain one Vaadin registers by itself; {@code /api/*} (JAX-RS) and {@code /ws/events} keep their own mappings.
 */
@WebServlet(urlPatterns = "/*", asyncSupported = true, initParams = {
        // Vaadin's default is 300 s, so a page whose browser had gone counted as gone only after 15 minutes
        // (UiReaper); a heartbeat a minute costs an open page one tiny request a minute
        @WebInitParam(name = "heartbeatInterval", value = "60")})
public class SlmServlet extends CdiVaadinServlet {

    /** What the web app's pages and Vaadin's requests use. */
    static final java.util.List<String> METHODS = java.util.List.of("GET", "HEAD", "POST");

    /**
     * A method the web app does not use is a 405, and a request naming a UI by anything but a number is a 400, before
     * Vaadin: Vaadin parses {@code v-uiId} as a number, and {@code ?v-r=heartbeat&v-uiId=abc} — anyone's, an anonymous
     * session suffices — was a 500 with ~12 KB of stack traces in the log, the value repeated in them (a 6,000-digit
     * one: 42 KB).
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (!METHODS.contains(request.getMethod())) {
            // Vaadin answers whatever the method with its page: "G@T / HTTP/1.1" got the app's HTML and a 200
            response.setHeader("Allow", String.join(", ", METHODS));
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "the web app takes GET, HEAD and POST");
            return;
        }
        if (!request.getRequestURI().startsWith("/")) {
            // "GET * HTTP/1.1" (the asterisk form is for OPTIONS only, RFC 9112 3.2.4) got the page with a 200 and
            // Vaadin's warning with a 4 KB stack, anyone's, once per request
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "the request target must be a path");
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/") || path.startsWith("/ws/")) {
            // the container decoded "%2f" and resolved ".." before mapping: /api/nodes/..%2f..%2fx reached the pages
            // (the app's HTML with a 200), where an API path answers JSON only
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such API path");
            return;
        }
        if (!uiIdsAreNumbers(request.getQueryString())) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "v-uiId must be the number of a page");
            return;
        }
        super.service(request, response);
    }

    /** Whether every {@code v-uiId} of the query (its name escaped or not) is a number of at most 9 digits. */
    static boolean uiIdsAreNumbers(String query) {
        if (query == null || !query.toLowerCase(java.util.Locale.ROOT).contains("v")) {
            return true;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decoded(eq < 0 ? pair : pair.substring(0, eq));
            if ("v-uiId".equals(name) && !(eq >= 0 && decoded(pair.substring(eq + 1)).matches("[0-9]{1,9}"))) {
                return false;
            }
        }
        return true;
    }

    private static String decoded(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return part; // not an escape the container would take either: compared as it is
        }
    }
}
