package dev.slm.web.api.security;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * The web session's cookie: {@code HttpOnly}; {@code SameSite=Lax}, so that other sites' forms, frames and scripts
 * do not carry it (Strict would also drop it when an operator follows a link into the app from a chat or a ticket,
 * and show the login page to someone logged in; the origin check refuses what Lax still lets through);
 * {@code Secure} when {@code SLM_PUBLIC_URL} is https (TLS ended at a proxy), and otherwise whenever the request that
 * started the session came over HTTPS (the server's default). Also reads the origin and proxy settings at start-up,
 * so that a bad one stops the server with its name.
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
}
