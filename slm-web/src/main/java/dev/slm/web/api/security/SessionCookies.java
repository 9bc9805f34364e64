package dev.slm.web.api.security;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The web session's cookie: {@code HttpOnly}; {@code SameSite=Lax}, so that other sites' forms, frames and scripts
 * do not carry it (Strict would also drop it when an operator follows a link into the app from a chat or a ticket,
 * and show the login page to someone logged in; the origin check refuses what Lax still lets through);
 * {@code Secure} when {@code SLM_PUBLIC_URL} is https (TLS ended at a proxy) or the login came over HTTPS.
 * Also reads the origin and proxy settings at start-up, so that a bad one stops the server with its name.
 */
@WebListener
public class SessionCookies implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(SessionCookies.class.getName());

    @Inject
    RequestOrigin origins;

    @Inject
    ClientAddress addresses;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        // the session in its cookie only: an id in a URL (;jsessionid=) leaks through logs and Referer, and a link
        // holding one would plant a session of someone else's choosing
        event.getServletContext().setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
        if (origins.publicUrlIsHttps()) {
            cookie.setSecure(true);
        }
        if (!addresses.trustedProxies().isEmpty()) {
            LOG.info("X-Forwarded-For is believed from the trusted proxies " + addresses.trustedProxies());
        }
    }

    /**
     * Adds what the server left out to the session cookie a login has just set: Payara Micro 6.2025.10 ignores the
     * {@code SameSite} attribute of {@link SessionCookieConfig} (measured: {@code JSESSIONID=…; Path=/; HttpOnly}).
     * The session that counts is the one a login creates (under a new id), so that is where this is called.
     */
    static void harden(HttpServletRequest request, HttpServletResponse response, boolean secure) {
        String name = request.getServletContext().getSessionCookieConfig().getName();
        String prefix = (name == null ? "JSESSIONID" : name) + "=";
        List<String> cookies = new ArrayList<>(response.getHeaders("Set-Cookie"));
        boolean changed = false;
        for (int i = 0; i < cookies.size(); i++) {
            String c = cookies.get(i);
            if (c.startsWith(prefix)) {
                String lower = c.toLowerCase(Locale.ROOT);
                String hardened = c + (lower.contains("samesite=") ? "" : "; SameSite=Lax")
                        + (secure && !lower.matches(".*;\\s*secure(;.*|$)") ? "; Secure" : "")
                        + (lower.contains("httponly") ? "" : "; HttpOnly");
                changed |= !hardened.equals(c);
                cookies.set(i, hardened);
            }
        }
        if (changed) {
            response.setHeader("Set-Cookie", cookies.get(0));
            cookies.subList(1, cookies.size()).forEach(c -> response.addHeader("Set-Cookie", c));
        }
    }
}
