package dev.slm.web.api.security;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The security headers of every response (set by {@link ApiAuthenticationMechanism}, which runs before anything else
 * for every request, refusals included).
 */
public final class SecurityHeaders {

    /**
     * As tight as Vaadin Flow 24 allows: its bootstrap page starts the client engine with an inline script, the engine
     * builds functions from the JavaScript the server sends ({@code executeJs}) and components set inline styles — hence
     * {@code 'unsafe-inline' 'unsafe-eval'} for scripts and inline styles (Vaadin's documented minimum). What the
     * policy still gives: scripts, styles, fonts, images and connections from this origin only ({@code 'self'} also
     * covers the push WebSocket on the same host), no plugins, no {@code <base>} elsewhere, forms post only here, and
     * no other site may frame the app (as X-Frame-Options says for older browsers).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    public static void apply(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        // same-origin: no URL of the app (node names, operation ids) leaks to links to other sites; and the browser
        // keeps sending the real Origin on our own POSTs, which the origin check needs
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Frame-Options", "DENY");
    }
}
