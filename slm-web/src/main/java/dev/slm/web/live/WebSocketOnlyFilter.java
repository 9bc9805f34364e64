package dev.slm.web.live;

import jakarta.json.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /ws/*} speaks WebSocket only, to callers who logged in: a plain HTTP request there would otherwise fall
 * through to the web app's catch-all servlet and get its HTML page with a 200. It gets a 400 (or 426 for another
 * protocol version, 404 for a path other than {@code /ws/events}, 401 for a handshake without a caller) with a problem
 * body instead; the handshakes of logged-in callers pass on.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class WebSocketOnlyFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"/ws/events".equals(request.getRequestURI().substring(request.getContextPath().length()))) {
            // the one endpoint there is (EventsSocket): a handshake to another fell through to the web app's page, 200
            refuse(response, 404, "Not Found", "the WebSocket endpoint is /ws/events");
            return;
        }
        if (request.getQueryString() != null) {
            // it takes none; one with a malformed escape (?x=%zz) was upgraded and left Weld's request and session
            // contexts active on the worker thread, whose next request wrote four warnings (~1.5 KB; found by an
            // outside attack, any logged-in caller)
            refuse(response, 400, "Bad Request", "/ws/events takes no query");
            return;
        }
        if (!isHandshake(request)) {
            refuse(response, 400, "Bad Request", "a WebSocket endpoint: open it with a WebSocket handshake (RFC 6455)");
            return;
        }
        if (!List.of("13").equals(java.util.Collections.list(request.getHeaders("Sec-WebSocket-Version")))) {
            // RFC 6455 4.4: say which version the server speaks (an unknown one fell through to the web app's page)
            response.setHeader("Sec-WebSocket-Version", "13");
            refuse(response, 426, "Upgrade Required", "WebSocket version 13 (RFC 6455) is the one spoken here");
            return;
        }
        if (request.getUserPrincipal() == null) {
            // refused before the upgrade (the authentication mechanism has run): an anonymous client never holds a
            // WebSocket. It was upgraded and then closed with 1008, and a frame it sent meanwhile had the container
            // write a NullPointerException's stack (anyone's, once per frame)
            response.setHeader("WWW-Authenticate", "Basic realm=\"SLM\"");
            refuse(response, 401, "Unauthorized", "log in: HTTP Basic with an operator account, or the web app's session");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * RFC 6455 4.1's handshake, whole: a GET of HTTP/1.1, {@code Upgrade: websocket}, {@code Connection} naming
     * {@code Upgrade}, and one key of 16 bytes in base64. What lacked the {@code Connection} token went on to the
     * container, which failed with a 500 and a SEVERE line each; an empty key, a POST or HTTP/1.0 were upgraded.
     */
    static boolean isHandshake(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        List<String> keys = java.util.Collections.list(request.getHeaders("Sec-WebSocket-Key"));
        return "GET".equals(request.getMethod()) && "HTTP/1.1".equals(request.getProtocol())
                && upgrade != null && upgrade.equalsIgnoreCase("websocket")
                && java.util.Collections.list(request.getHeaders("Connection")).stream()
                        .flatMap(c -> java.util.Arrays.stream(c.split(",")))
                        .anyMatch(token -> token.trim().equalsIgnoreCase("upgrade"))
                && keys.size() == 1 && isKey(keys.get(0));
    }

    /** A base64 value of 16 bytes: 22 characters and "==". */
    private static boolean isKey(String key) {
        try {
            return key.length() == 24 && java.util.Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String title, String detail) throws IOException {
        byte[] body = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
