package dev.slm.web.api.security;

import dev.slm.platform.SlmConfig;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * A web session starts short-lived ({@code SLM_ANONYMOUS_SESSION_TIMEOUT}, 2 minutes) and gets the container's
 * full timeout (30 minutes) only with a login. Every visit of the login page creates a session, and with the
 * container's timeout 1,000 requests for {@code /login} kept 1,000 sessions for half an hour; an open login page
 * keeps its own alive all the same through Vaadin's heartbeat (every 60 s).
 */
@WebListener
public class AnonymousSessions implements HttpSessionListener {

    @Inject
    SlmConfig config;

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        event.getSession().setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, config.anonymousSessionTimeout().toSeconds()));
    }

    /** Called with the session a login has just made the operator's. */
    static void loggedIn(HttpSession session) {
        session.setMaxInactiveInterval(session.getServletContext().getSessionTimeout() * 60);
    }
}
