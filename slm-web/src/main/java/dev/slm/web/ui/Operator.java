package dev.slm.web.ui;

import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WrappedSession;
import dev.slm.access.entity.Role;
import dev.slm.web.api.security.ApiAuthenticationMechanism;
import dev.slm.web.api.security.ApiAuthenticationMechanism.SessionOperator;
import java.util.Optional;
import java.util.Set;

/**
 * The operator logged in to this Vaadin session, for what the page shows (a hidden or disabled button is a
 * convenience, never the check): the server's check is the boundary EJBs' {@code @RolesAllowed}, against the caller
 * the authentication mechanism restores from this session on each of the page's requests.
 */
public record Operator(String name, Set<String> groups) {

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
        return attribute instanceof SessionOperator o ? Optional.of(new Operator(o.name(), o.groups())) : Optional.empty();
    }

    public Role role() {
        return Role.of(groups);
    }

    /** Whether the page offers what needs this role (the identity store gave the groups: no hierarchy here). */
    public boolean can(Role needed) {
        return groups.contains(needed.roleName());
    }
}
