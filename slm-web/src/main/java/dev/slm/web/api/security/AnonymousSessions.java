package dev.slm.web.api.security;

import dev.slm.platform.SlmConfig;
import dev.slm.platform.ThrottledLog;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * A web session starts short-lived ({@code SLM_ANONYMOUS_SESSION_TIMEOUT}, 2 minutes) and gets the container's
 * full timeout (30 minutes) only with a login. Every visit of the login page creates a session, and with the
 * container's timeout 1,000 requests for {@code /login} kept 1,000 sessions for half an hour; an open login page
 * keeps its own alive all the same through Vaadin's heartbeat (every 60 s).
 * <p>
 * And at most {@code SLM_ANONYMOUS_SESSIONS_MAX} (5,000) of them live at once: a new one ends the oldest. A page's
 * first request ({@code /?v-r=init}) leaves ~14 KB in its session (Vaadin's session and UI), and one client without a
 * cookie made 245 a second — ~410 MB within the 2 minutes, anyone's (found by an outside attack). 5,000 are ~70 MB.
 * A login page whose session was ended so says "session expired" and reloads.
 */
@WebListener
public class AnonymousSessions implements HttpSessionListener {

    /** The attribute that names an anonymous session here (its id changes at a login: no fixation). */
    static final String KEY = AnonymousSessions.class.getName();
    private static final Logger LOG = Logger.getLogger(AnonymousSessions.class.getName());
    private static final ThrottledLog ENDED = new ThrottledLog(LOG, Duration.ofMinutes(1),
            "anonymous web sessions ended early");

    /** Oldest first; shared by the listener instances the container may make. */
    private static final Map<String, HttpSession> ANONYMOUS = new LinkedHashMap<>();

    @Inject
    SlmConfig config;

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        HttpSession session = event.getSession();
        session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, config.anonymousSessionTimeout().toSeconds()));
        String key = UUID.randomUUID().toString();
        session.setAttribute(KEY, key);
        HttpSession oldest = null;
        synchronized (ANONYMOUS) {
            ANONYMOUS.put(key, session);
            if (ANONYMOUS.size() > config.anonymousSessionsMax()) {
                Iterator<HttpSession> first = ANONYMOUS.values().iterator();
                oldest = first.next();
                first.remove();
            }
        }
        if (oldest != null) {
            try {
                oldest.invalidate();
            } catch (IllegalStateException endedMeanwhile) {
                // it expired or logged out between the two: ended either way
            }
            ENDED.warning(() -> "anonymous web sessions are at their bound (SLM_ANONYMOUS_SESSIONS_MAX, "
                    + config.anonymousSessionsMax() + "): the oldest ended for a new one");
        }
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        forget(event.getSession());
    }

    /** Called with the session a login has just made the operator's: no longer anonymous, nor counted. */
    static void loggedIn(HttpSession session) {
        session.setMaxInactiveInterval(session.getServletContext().getSessionTimeout() * 60);
        forget(session);
    }

    private static void forget(HttpSession session) {
        Object key;
        try {
            key = session.getAttribute(KEY);
            session.removeAttribute(KEY);
        } catch (IllegalStateException invalidated) {
            return; // its attributes are gone, and sessionDestroyed removed it
        }
        if (key != null) {
            synchronized (ANONYMOUS) {
                ANONYMOUS.remove(key);
            }
        }
    }
}
