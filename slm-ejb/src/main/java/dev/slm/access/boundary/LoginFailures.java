package dev.slm.access.boundary;

import dev.slm.access.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Who failed to log in from where, for admins: the boundary of {@link LoginThrottle}'s memory (the throttle itself is
 * asked before any login, so it cannot check a role).
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class LoginFailures {

    @Inject
    LoginThrottle throttle;

    /** Latest first. */
    public List<LoginThrottle.Entry> all() {
        return throttle.entries();
    }
}
