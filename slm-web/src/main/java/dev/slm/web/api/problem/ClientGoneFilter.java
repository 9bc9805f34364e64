package dev.slm.web.api.problem;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * An API request whose client left in the middle of its body ({@link ProblemMappers.ClientGoneMapper} marks it) ends
 * here: Jersey's answer finds the connection closed, Jersey then asks the container for a 500, and the container's
 * error page found the connection closed again — each step logged with its stack (a WARNING of the web container's
 * own logger, past any log filter). The 500 is not asked for, and an exception of a client that went away ends
 * quietly.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class ClientGoneFilter extends HttpFilter {

    private static final String GONE = ClientGoneFilter.class.getName() + ".gone";

    static void mark(HttpServletRequest request) {
        request.setAttribute(GONE, Boolean.TRUE);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse quiet = new HttpServletResponseWrapper(response) {
            @Override
            public void sendError(int status) throws IOException {
                if (request.getAttribute(GONE) == null) {
                    super.sendError(status);
                }
            }

            @Override
            public void sendError(int status, String message) throws IOException {
                if (request.getAttribute(GONE) == null) {
                    super.sendError(status, message);
                }
            }
        };
        try {
            chain.doFilter(request, quiet);
        } catch (IOException e) {
            if (!ClientGoneLog.isClientGone(e)) {
                throw e;
            }
        }
    }
}
