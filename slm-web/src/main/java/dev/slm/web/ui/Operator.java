package dev.slm.web.ui;

import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WrappedSession;
import dev.slm.access.entity.Role;
import dev.slm.web.api.security.ApiAuthenticationMechanism;
import dev.slm.web.api.security.ApiAuthenticationMechanism.SessionOperator;
import java.util.Optional;

/**
 * The operator logged in to this Vaadin session, and the server-side role check every action makes (a hidden
 * button is a convenience, never the check: events arrive over the push channel, where no container security runs).
 */
public record Operator(String name, Role role) {

    public static Optional<Operator> current() {
        VaadinSession vs = VaadinSession.getCurrent();
        WrappedSession session = vs == null ? null : vs.getSession();
        Object attribute;
        try {
            attribute = session == null ? null : session.getAttribute(ApiAuthenticationMechanism.SESSION_OPERATOR);
        } catch (IllegalStateException invalidated) {
            // a logout or an expiry ended the HTTP session while an update of its page was already queued: nobody
            attribute = null;
        }
        if (!(attribute instanceof SessionOperator o)) {
            return Optional.empty();
        }
        Role role = Role.VIEWER;
        for (Role r : Role.values()) {
            if (o.groups().contains(r.roleName()) && r.includes(role)) {
                role = r;
            }
        }
        return Optional.of(new Operator(o.name(), role));
    }

    public boolean can(Role needed) {
        return role.includes(needed);
    }

    /** @throws NotAllowed unless the logged-in operator has the role */
    public static Operator require(Role needed) {
        Operator o = current().orElseThrow(() -> new NotAllowed("your session has ended: log in again"));
        if (!o.can(needed)) {
            throw new NotAllowed("refused: this needs the " + needed.roleName() + " role, and " + o.name()
                    + " is " + o.role().roleName());
        }
        return o;
    }

    public static class NotAllowed extends RuntimeException {
        public NotAllowed(String message) {
            super(message);
        }
    }
}
