package dev.slm.web.api;

import dev.slm.access.boundary.LoginFailures;
import dev.slm.access.boundary.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The failed logins the throttle remembers (admins only), latest first: what the admin page's "Failed logins" shows.
 * {@code account} null: every account from that address; {@code address} null: that account from every address.
 */
@ApplicationScoped
@Path("login-failures")
@Produces(MediaType.APPLICATION_JSON)
public class LoginFailuresResource {

    @Inject
    LoginFailures failures;

    @GET
    public List<LoginThrottle.Entry> all() {
        return failures.all();
    }
}
